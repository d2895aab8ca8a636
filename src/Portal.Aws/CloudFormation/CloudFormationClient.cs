using System.Xml.Linq;
using Portal.Aws.Protocol;

namespace Portal.Aws.CloudFormation;

/// <summary>CloudFormation over the Query protocol (API version 2010-05-15), field names as in AWS's API reference.</summary>
public sealed class CloudFormationClient(AwsRequestSender sender) : ICloudFormation
{
    public const string ApiVersion = "2010-05-15";
    private readonly QueryProtocol query = new(AwsService.CloudFormation, ApiVersion, sender);

    public async Task<string> CreateStackAsync(CreateStackRequest request, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("CreateStack")
            .Add("StackName", request.StackName)
            .Add("TemplateBody", request.TemplateBody);
        AddStackInputs(form, request.Parameters, request.Tags, request.Capabilities);
        form.Add("ClientRequestToken", request.ClientRequestToken)
            .Add("OnFailure", request.OnFailure)
            .Add("TimeoutInMinutes", request.TimeoutInMinutes)
            .Add("EnableTerminationProtection", request.EnableTerminationProtection)
            .Add("RoleARN", request.RoleArn);
        return (await query.InvokeAsync(form, cancellationToken)).Required("StackId");
    }

    public async Task<StackUpdate> UpdateStackAsync(UpdateStackRequest request, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("UpdateStack")
            .Add("StackName", request.StackName)
            .Add("TemplateBody", request.TemplateBody);
        AddStackInputs(form, request.Parameters, request.Tags, request.Capabilities);
        form.Add("ClientRequestToken", request.ClientRequestToken).Add("RoleARN", request.RoleArn);
        try
        {
            return new StackUpdate.Started((await query.InvokeAsync(form, cancellationToken)).Required("StackId"));
        }
        catch (AwsValidationException e) when (e.Code == "ValidationError" && e.AwsMessage.Contains(NoUpdates, StringComparison.Ordinal))
        {
            return new StackUpdate.NoChanges();
        }
    }

    private const string NoUpdates = "No updates are to be performed";

    public async Task DeleteStackAsync(string stackName, string? clientRequestToken = null, string? roleArn = null,
        IReadOnlyList<string>? retainResources = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DeleteStack").Add("StackName", stackName).Add("ClientRequestToken", clientRequestToken)
            .Add("RoleARN", roleArn).AddList("RetainResources", retainResources is { Count: > 0 } ? retainResources : null);
        await query.InvokeAsync(form, cancellationToken);
    }

    public async Task ContinueUpdateRollbackAsync(string stackName, IReadOnlyList<string>? resourcesToSkip = null, string? clientRequestToken = null,
        string? roleArn = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("ContinueUpdateRollback").Add("StackName", stackName).Add("ClientRequestToken", clientRequestToken)
            .Add("RoleARN", roleArn).AddList("ResourcesToSkip", resourcesToSkip is { Count: > 0 } ? resourcesToSkip : null);
        await query.InvokeAsync(form, cancellationToken);
    }

    public async Task<StackDescription?> DescribeStackAsync(string stackNameOrId, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await DescribeStacksAsync(stackNameOrId, null, cancellationToken)).Items is [var stack, ..] ? stack : null;
        }
        catch (AwsNotFoundException)
        {
            return null;
        }
    }

    public async Task<AwsPage<StackDescription>> DescribeStacksAsync(string? stackNameOrId = null, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DescribeStacks").Add("StackName", stackNameOrId).Add("NextToken", nextToken);
        var result = await query.InvokeAsync(form, cancellationToken);
        return new AwsPage<StackDescription>(result.Members("Stacks").Select(ReadStack).ToList(), result.Text("NextToken"));
    }

    public async Task<AwsPage<StackEventDescription>> DescribeStackEventsAsync(string stackNameOrId, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DescribeStackEvents").Add("StackName", stackNameOrId).Add("NextToken", nextToken);
        var result = await query.InvokeAsync(form, cancellationToken);
        var events = result.Members("StackEvents").Select(e => new StackEventDescription(
            e.Required("EventId"), e.Required("StackId"), e.Required("StackName"), e.Required("LogicalResourceId"),
            e.Text("PhysicalResourceId"), e.Required("ResourceType"), e.RequiredTime("Timestamp"), e.Required("ResourceStatus"),
            e.Text("ResourceStatusReason"), e.Text("ClientRequestToken"))).ToList();
        return new AwsPage<StackEventDescription>(events, result.Text("NextToken"));
    }

    public async Task<IReadOnlyList<StackResourceDescription>> DescribeStackResourcesAsync(string stackNameOrId, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DescribeStackResources").Add("StackName", stackNameOrId);
        var result = await query.InvokeAsync(form, cancellationToken);
        return result.Members("StackResources").Select(r => new StackResourceDescription(
            r.Required("LogicalResourceId"), r.Text("PhysicalResourceId"), r.Required("ResourceType"), r.RequiredTime("Timestamp"),
            r.Required("ResourceStatus"), r.Text("ResourceStatusReason"))).ToList();
    }

    public async Task<ChangeSetCreated> CreateChangeSetAsync(CreateChangeSetRequest request, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("CreateChangeSet")
            .Add("StackName", request.StackName)
            .Add("ChangeSetName", request.ChangeSetName)
            .Add("TemplateBody", request.TemplateBody);
        AddStackInputs(form, request.Parameters, request.Tags, request.Capabilities);
        form.Add("ChangeSetType", request.ChangeSetType)
            .Add("Description", request.Description)
            .Add("ClientToken", request.ClientToken)
            .Add("RoleARN", request.RoleArn);
        var result = await query.InvokeAsync(form, cancellationToken);
        return new ChangeSetCreated(result.Required("Id"), result.Required("StackId"));
    }

    public async Task<ChangeSetDescription> DescribeChangeSetAsync(string changeSetName, string? stackName = null, string? nextToken = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DescribeChangeSet")
            .Add("ChangeSetName", changeSetName)
            .Add("StackName", stackName)
            .Add("NextToken", nextToken);
        var r = await query.InvokeAsync(form, cancellationToken);
        var changes = r.Members("Changes")
            .Select(c => c.Child("ResourceChange"))
            .OfType<XElement>()
            .Select(c => new ResourceChange(c.Required("Action"), c.Required("LogicalResourceId"), c.Text("PhysicalResourceId"),
                c.Required("ResourceType"), c.Text("Replacement"), c.Strings("Scope")))
            .ToList();
        return new ChangeSetDescription(r.Required("ChangeSetId"), r.Required("ChangeSetName"), r.Required("StackId"), r.Required("StackName"),
            r.Required("Status"), r.Text("StatusReason"), r.Text("ExecutionStatus") ?? "UNAVAILABLE", changes, r.Text("NextToken"));
    }

    public async Task ExecuteChangeSetAsync(string changeSetName, string? stackName = null, string? clientRequestToken = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("ExecuteChangeSet")
            .Add("ChangeSetName", changeSetName)
            .Add("StackName", stackName)
            .Add("ClientRequestToken", clientRequestToken);
        await query.InvokeAsync(form, cancellationToken);
    }

    public async Task DeleteChangeSetAsync(string changeSetName, string? stackName = null, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("DeleteChangeSet").Add("ChangeSetName", changeSetName).Add("StackName", stackName);
        await query.InvokeAsync(form, cancellationToken);
    }

    public async Task<TemplateValidation> ValidateTemplateAsync(string templateBody, CancellationToken cancellationToken = default)
    {
        var form = query.NewRequest("ValidateTemplate").Add("TemplateBody", templateBody);
        var r = await query.InvokeAsync(form, cancellationToken);
        var parameters = r.Members("Parameters").Select(p => new TemplateParameterInfo(
            p.Required("ParameterKey"), p.Text("DefaultValue"), p.Bool("NoEcho") ?? false, p.Text("Description"))).ToList();
        return new TemplateValidation(parameters, r.Text("Description"), r.Strings("Capabilities"), r.Text("CapabilitiesReason"));
    }

    /// <summary>Parameters, Tags and Capabilities; an empty list is left out (it would mean "remove all" on UpdateStack).</summary>
    private static void AddStackInputs(QueryForm form, IReadOnlyList<StackInputParameter> parameters, IReadOnlyList<StackInputTag> tags, IReadOnlyList<string> capabilities)
    {
        form.AddList("Parameters", QueryForm.NonEmpty(parameters), (f, prefix, p) =>
        {
            f.Add($"{prefix}.ParameterKey", p.Key);
            if (p.UsePreviousValue) f.Add($"{prefix}.UsePreviousValue", true);
            else f.Add($"{prefix}.ParameterValue", p.Value);
        });
        form.AddList("Tags", QueryForm.NonEmpty(tags), (f, prefix, t) => f.Add($"{prefix}.Key", t.Key).Add($"{prefix}.Value", t.Value));
        form.AddList("Capabilities", QueryForm.NonEmpty(capabilities));
    }

    private static StackDescription ReadStack(XElement s) => new(
        s.Required("StackId"),
        s.Required("StackName"),
        s.Required("StackStatus"),
        s.Text("StackStatusReason"),
        s.RequiredTime("CreationTime"),
        s.Time("LastUpdatedTime"),
        s.Members("Parameters").Select(p => new StackInputParameter(p.Required("ParameterKey"), p.Text("ParameterValue"), p.Bool("UsePreviousValue") ?? false)).ToList(),
        s.Members("Outputs").Where(o => o.Text("OutputKey") is not null)
            .ToDictionary(o => o.Required("OutputKey"), o => o.Text("OutputValue") ?? "", StringComparer.Ordinal),
        s.Members("Tags").Select(t => new StackInputTag(t.Required("Key"), t.Text("Value") ?? "")).ToList());
}
