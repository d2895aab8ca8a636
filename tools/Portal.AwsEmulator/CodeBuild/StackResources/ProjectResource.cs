using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.CodeBuild.StackResources;

/// <summary>AWS::CodeBuild::Project: a project pipeline Build actions can run (buildspec, environment variables, logs).</summary>
public sealed class ProjectResource : IResourceProvisioner
{
    private const string Service = "CodeBuild";

    public ResourceKind Kind { get; } = new("AWS::CodeBuild::Project", new HashSet<string> { "Arn" }, new HashSet<string> { "Name" }, NameProperty: "Name");

    public ProvisionedResource Create(ResourceRequest request)
    {
        var project = Project(request, PhysicalNames.Given(request, "Name", 150));
        if (!request.Region.Builds.Register(project))
            throw HandlerErrors.Failure(Service, $"Project already exists: {project.Name}", handlerCode: "AlreadyExists");
        return ProvisionedResource.Of(project.Name, ("Arn", project.Arn));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        request.Region.Builds.Update(Project(request, current.PhysicalId));
        return current.Copy();
    }

    public void Delete(ResourceRequest request, ProvisionedResource current) => request.Region.Builds.Remove(current.PhysicalId);

    private static ProjectRecord Project(ResourceRequest request, string name)
    {
        var environment = request.Properties["Environment"] as JsonObject ?? [];
        var logs = (request.Properties["LogsConfig"] as JsonObject)?["CloudWatchLogs"] as JsonObject;
        return new ProjectRecord
        {
            Name = name,
            BuildSpec = (request.Properties["Source"] as JsonObject) is { } source ? TemplateText.AsString(source["BuildSpec"]) : null,
            EnvironmentVariables = (environment["EnvironmentVariables"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(v => new BuildVariable(TemplateText.AsString(v["Name"]) ?? "", TemplateText.AsString(v["Value"]) ?? "", TemplateText.AsString(v["Type"]) ?? "PLAINTEXT"))
                .ToList(),
            Image = TemplateText.AsString(environment["Image"]) ?? "",
            ComputeType = TemplateText.AsString(environment["ComputeType"]) ?? "",
            ServiceRole = request.Text("ServiceRole"),
            CloudWatchLogs = logs is null || TemplateText.AsString(logs["Status"]) != "DISABLED",
            LogGroupName = logs is null ? null : TemplateText.AsString(logs["GroupName"]),
            LogStreamPrefix = logs is null ? null : TemplateText.AsString(logs["StreamName"]),
        };
    }
}
