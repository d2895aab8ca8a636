using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;

namespace Portal.AwsEmulator.CloudWatchLogs.StackResources;

/// <summary>AWS::Logs::LogGroup: a log group the emulated builds write into and GetLogEvents reads from.</summary>
public sealed class LogGroupResource : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::Logs::LogGroup", new HashSet<string> { "Arn" }, new HashSet<string> { "LogGroupName" }, NameProperty: "LogGroupName");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var name = PhysicalNames.Given(request, "LogGroupName", 512);
        var retention = int.TryParse(request.Text("RetentionInDays"), NumberStyles.None, CultureInfo.InvariantCulture, out var days) ? days : (int?)null;
        if (!request.Region.Logs.CreateGroup(name, retention))
            throw HandlerErrors.Failure("CloudWatchLogs", $"{name} already exists", handlerCode: "AlreadyExists");
        return ProvisionedResource.Of(name, ("Arn", request.Region.Logs.GroupArn(name) + ":*"));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current) => current.Copy();

    public void Delete(ResourceRequest request, ProvisionedResource current) => request.Region.Logs.DeleteGroup(current.PhysicalId);
}
