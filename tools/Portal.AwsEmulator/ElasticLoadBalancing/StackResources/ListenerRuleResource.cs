using System.Globalization;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.ElasticLoadBalancing.StackResources;

/// <summary>
/// AWS::ElasticLoadBalancingV2::ListenerRule: a rule on a stack's listener or a seeded one. A priority already used
/// on the listener fails the resource, as AWS's PriorityInUse does.
/// </summary>
public sealed class ListenerRuleResource : IResourceProvisioner
{
    public ResourceKind Kind { get; } = new("AWS::ElasticLoadBalancingV2::ListenerRule",
        new HashSet<string> { "IsDefault", "RuleArn" },
        new HashSet<string> { "ListenerArn" });

    public ProvisionedResource Create(ResourceRequest request)
    {
        var rule = HandlerErrors.Call(LoadBalancerResource.Service, () => request.Region.LoadBalancing.CreateRule(
            request.Text("ListenerArn") ?? "", Priority(request.Properties),
            RuleParts.Conditions(request.Properties["Conditions"]), RuleParts.Actions(request.Properties["Actions"])));
        return ProvisionedResource.Of(rule.Arn, ("RuleArn", rule.Arn), ("IsDefault", "false"));
    }

    public ProvisionedResource Update(ResourceRequest request, JsonObject previousProperties, ProvisionedResource current)
    {
        var store = request.Region.LoadBalancing;
        HandlerErrors.Call(LoadBalancerResource.Service, () =>
        {
            if (Priority(request.Properties) != Priority(previousProperties))
                store.SetRulePriorities([(current.PhysicalId, Priority(request.Properties))]);
            store.ModifyRule(current.PhysicalId, RuleParts.Conditions(request.Properties["Conditions"]), RuleParts.Actions(request.Properties["Actions"]));
        });
        return current.Copy();
    }

    public void Delete(ResourceRequest request, ProvisionedResource current)
    {
        try
        {
            request.Region.LoadBalancing.DeleteRule(current.PhysicalId);
        }
        catch (Protocol.AwsServiceException error) when (error.Code == "RuleNotFound")
        {
            // Already gone (deleted with its listener, or by hand): deleting it is done.
        }
    }

    private static int Priority(JsonObject properties) =>
        int.TryParse(TemplateText.AsString(properties["Priority"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var priority) ? priority : 0;
}
