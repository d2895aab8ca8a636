namespace Portal.Provisioning.Templates;

/// <summary>Names of the pipelines' actions the portal addresses, as templates/host-*.yaml declare them.</summary>
public static class PipelineActions
{
    /// <summary>The infrastructure pipeline's S3 source action (sourceRevisions name it).</summary>
    public const string InfrastructureSource = "InfrastructureRepository";

    /// <summary>The infrastructure pipeline's CodeBuild action that runs Packer; its output artifact holds Packer's manifest.</summary>
    public const string PackerBake = "Packer";
}
