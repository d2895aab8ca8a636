namespace Portal.AwsEmulator.Faults;

/// <summary>A pipeline action that fails, chosen by any of pipeline, stage, action name, category (Build, Deploy…) and provider.</summary>
public sealed class ActionFault
{
    public string? Id { get; set; }
    public string? PipelineName { get; set; }
    public string? StageName { get; set; }
    public string? ActionName { get; set; }
    public string? Category { get; set; }
    public string? Provider { get; set; }
    public string Code { get; set; } = "JobFailed";
    public string Message { get; set; } = "Injected failure";
    public int? Times { get; set; }

    public bool Matches(string pipelineName, string stageName, string actionName, string category, string provider) =>
        (PipelineName is null || PipelineName == pipelineName)
        && (StageName is null || StageName == stageName)
        && (ActionName is null || ActionName == actionName)
        && (Category is null || Category.Equals(category, StringComparison.OrdinalIgnoreCase))
        && (Provider is null || Provider.Equals(provider, StringComparison.OrdinalIgnoreCase));
}
