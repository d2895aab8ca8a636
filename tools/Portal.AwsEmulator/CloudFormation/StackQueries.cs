using System.Xml.Linq;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;
using static Portal.AwsEmulator.Protocol.QueryXml;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>DescribeStacks, DescribeStackEvents and DescribeStackResources, answered under the store's lock.</summary>
public static class StackQueries
{
    private const int StacksPageSize = 100;
    private const int EventsPageSize = 100;

    /// <summary>One stack by name or id (a deleted one by id only), or every live stack.</summary>
    public static IEnumerable<XElement> DescribeStacks(RegionState region, QueryInput input, StackVisibility visibility)
    {
        var name = input.String("StackName");
        var token = input.String("NextToken");
        return region.Stacks.Read(stacks =>
        {
            if (name is not null)
            {
                var stack = StackLookup.Require(stacks, name);
                visibility.Look(stack.StackId, name);
                return new[] { Members("Stacks", [CloudFormationXml.Stack(stack)]) };
            }
            var live = stacks.Where(s => !s.IsDeleted).ToList();
            var position = PageToken.Decode("stacks", token) ?? throw AwsServiceException.Validation("Invalid NextToken");
            var (page, next) = PageToken.Page(live, "stacks", position, StacksPageSize);
            return new[] { Members("Stacks", page.Select(CloudFormationXml.Stack)), Optional("NextToken", next) }.OfType<XElement>().ToArray();
        });
    }

    /// <summary>Newest first; a page token counts from the oldest event, so pages stay stable while events are added.</summary>
    public static IEnumerable<XElement> DescribeStackEvents(RegionState region, QueryInput input, StackVisibility visibility)
    {
        var name = input.Required("StackName");
        var token = input.String("NextToken");
        return region.Stacks.Read(stacks =>
        {
            // By id, a deleted stack's events are still there; by name only a live stack's.
            var stack = StackLookup.Find(stacks, name) ?? throw StackLookup.NotFound(name);
            visibility.Look(stack.StackId, name);
            var listing = $"events:{stack.StackId}";
            var end = token is null ? stack.Events.Count : PageToken.Decode(listing, token) ?? throw AwsServiceException.Validation("Invalid NextToken");
            var start = Math.Max(0, end - EventsPageSize);
            var page = stack.Events.Skip(start).Take(end - start).Reverse();
            var elements = new List<XElement> { Members("StackEvents", page.Select(CloudFormationXml.Event)) };
            if (start > 0) elements.Add(new XElement("NextToken", PageToken.Encode(listing, start)));
            return elements;
        });
    }

    public static IEnumerable<XElement> DescribeStackResources(RegionState region, QueryInput input)
    {
        var name = input.String("StackName");
        var physicalId = input.String("PhysicalResourceId");
        var logicalId = input.String("LogicalResourceId");
        if (name is null == (physicalId is null))
            throw AwsServiceException.Validation(name is null
                ? "Either StackName or PhysicalResourceId must be specified."
                : "StackName and PhysicalResourceId cannot both be specified.");
        return region.Stacks.Read(stacks =>
        {
            var stack = name is not null
                ? StackLookup.Require(stacks, name)
                : stacks.FirstOrDefault(s => !s.IsDeleted && s.Resources.Any(r => r.PhysicalId == physicalId))
                  ?? throw AwsServiceException.Validation($"Stack for {physicalId} does not exist");
            var resources = stack.Resources.Where(r => logicalId is null || r.LogicalId == logicalId);
            return new[] { Members("StackResources", resources.Select(r => CloudFormationXml.Resource(stack, r))) };
        });
    }
}
