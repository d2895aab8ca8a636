namespace Portal.Data;

/// <summary>Column lengths shared by the EF configuration and the rules that check input before it is saved.</summary>
public static class ColumnLengths
{
    public const int HostName = 40;
    public const int Plan = 40;
    public const int HealthCheckPath = 200;
    public const int Reason = 2000;
    public const int CustomDomain = 253;
    public const int CertificateArn = 2048;
    public const int GitLabProjectPath = 255;
    public const int GitLabProjectUrl = 500;
    public const int Branch = 255;
    public const int CustomerName = 200;
    public const int CustomerSlug = 32;
    public const int DisplayName = 200;
    public const int Email = 320;
    public const int Username = 255;
    public const int Comment = 2000;
    public const int TokenName = 100;
    public const int StackName = 128;
    public const int PipelineName = 100;
    public const int Arn = 2048;
    public const int AmiId = 32;
    public const int CommitId = 64;
    public const int ObjectKey = 1024;

    /// <summary>A folder of a repository (the infrastructure folder).</summary>
    public const int RepositoryPath = 255;
}
