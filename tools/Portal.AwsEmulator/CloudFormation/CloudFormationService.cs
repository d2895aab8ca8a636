using System.Xml.Linq;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>CloudFormation (Query protocol, 2010-05-15): the stack, change set and template operations the portal uses.</summary>
public sealed class CloudFormationService(EmulatorState state, StackCommands stacks, ChangeSetCommands changeSets, StackVisibility visibility) : IQueryService
{
    private static readonly HashSet<string> Actions =
    [
        "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
        "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ValidateTemplate", "ContinueUpdateRollback",
    ];

    public string Name => "cloudformation";
    public string Version => "2010-05-15";
    public string XmlNamespace => "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    public bool Supports(string action) => Actions.Contains(action);

    public Task<IEnumerable<XElement>?> HandleAsync(AwsOperationContext context, CancellationToken cancellationToken)
    {
        var region = state.Region(context.Region);
        var input = context.Query;
        IEnumerable<XElement>? result = context.Operation switch
        {
            "CreateStack" => stacks.Create(region, input),
            "UpdateStack" => stacks.Update(region, input),
            "DeleteStack" => NoResult(() => stacks.Delete(region, input)),
            "DescribeStacks" => StackQueries.DescribeStacks(region, input, visibility),
            "DescribeStackEvents" => StackQueries.DescribeStackEvents(region, input, visibility),
            "DescribeStackResources" => StackQueries.DescribeStackResources(region, input),
            "CreateChangeSet" => changeSets.Create(region, input),
            "DescribeChangeSet" => changeSets.Describe(region, input),
            // ExecuteChangeSet and DeleteChangeSet answer an empty result element, DeleteStack none at all.
            "ExecuteChangeSet" => changeSets.Execute(region, input),
            "DeleteChangeSet" => changeSets.Delete(region, input),
            "ValidateTemplate" => TemplateValidation.Validate(input),
            // ContinueUpdateRollback answers an empty result element, like ExecuteChangeSet.
            "ContinueUpdateRollback" => EmptyResult(() => stacks.ContinueUpdateRollback(region, input)),
            _ => throw new AwsServiceException("InvalidAction", $"The action {context.Operation} is not valid for this web service."),
        };
        return Task.FromResult<IEnumerable<XElement>?>(result);
    }

    private static IEnumerable<XElement>? NoResult(Action action)
    {
        action();
        return null;
    }

    private static IEnumerable<XElement> EmptyResult(Action action)
    {
        action();
        return [];
    }
}
