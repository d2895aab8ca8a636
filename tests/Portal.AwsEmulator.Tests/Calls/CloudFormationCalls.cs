using System.Globalization;
using System.Xml.Linq;

namespace Portal.AwsEmulator.Tests.Calls;

/// <summary>A stack as DescribeStacks shows it.</summary>
public sealed record StackView(string StackId, string Name, string Status, string? Reason, IReadOnlyDictionary<string, string> Outputs, IReadOnlyDictionary<string, string> Parameters, XElement Raw);

public sealed record EventView(string LogicalId, string? PhysicalId, string Type, string Status, string? Reason, DateTimeOffset Timestamp, string? ClientRequestToken);

public sealed record ResourceView(string LogicalId, string? PhysicalId, string Type, string Status, string? Reason);

/// <summary>CloudFormation calls for the tests: stack operations, waiting for a stack to settle, events and resources.</summary>
public sealed class CloudFormationCalls(AwsClient client)
{
    public Task<XElement> CallAsync(string action, params (string Key, string Value)[] fields) =>
        client.QueryAsync("2010-05-15", "cloudformation", action, fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    public async Task<string> CreateAsync(string name, string template, IReadOnlyDictionary<string, string>? parameters = null, params (string, string)[] extra) =>
        (await CallAsync("CreateStack", [("StackName", name), ("TemplateBody", template), .. Parameters(parameters), .. extra])).Text("StackId");

    public async Task<string> UpdateAsync(string name, string template, IReadOnlyDictionary<string, string>? parameters = null, params (string, string)[] extra) =>
        (await CallAsync("UpdateStack", [("StackName", name), ("TemplateBody", template), .. Parameters(parameters), .. extra])).Text("StackId");

    public Task DeleteAsync(string name, params (string, string)[] extra) => CallAsync("DeleteStack", [("StackName", name), .. extra]);

    public async Task<StackView> DescribeAsync(string nameOrId)
    {
        var stack = (await CallAsync("DescribeStacks", ("StackName", nameOrId))).Members("Stacks").Single();
        return new StackView(stack.Text("StackId"), stack.Text("StackName"), stack.Text("StackStatus"), stack.OptionalText("StackStatusReason"),
            stack.Members("Outputs").ToDictionary(o => o.Text("OutputKey"), o => o.Text("OutputValue")),
            stack.Members("Parameters").ToDictionary(p => p.Text("ParameterKey"), p => p.Text("ParameterValue")), stack);
    }

    /// <summary>Polls until the stack is no longer …_IN_PROGRESS (REVIEW_IN_PROGRESS counts as settled).</summary>
    public async Task<StackView> WaitAsync(string nameOrId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var stack = await DescribeAsync(nameOrId);
            if (!stack.Status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) || stack.Status == "REVIEW_IN_PROGRESS") return stack;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{nameOrId} is still {stack.Status}");
            await Task.Delay(20);
        }
    }

    public async Task<StackView> CreateAndWaitAsync(string name, string template, IReadOnlyDictionary<string, string>? parameters = null, params (string, string)[] extra)
    {
        var id = await CreateAsync(name, template, parameters, extra);
        return await WaitAsync(id);
    }

    /// <summary>Every event, newest first, following NextToken.</summary>
    public async Task<IReadOnlyList<EventView>> EventsAsync(string nameOrId)
    {
        var events = new List<EventView>();
        string? token = null;
        do
        {
            var page = await CallAsync("DescribeStackEvents", [("StackName", nameOrId), .. token is null ? Array.Empty<(string, string)>() : [("NextToken", token)]]);
            events.AddRange(page.Members("StackEvents").Select(e => new EventView(e.Text("LogicalResourceId"), e.OptionalText("PhysicalResourceId"), e.Text("ResourceType"),
                e.Text("ResourceStatus"), e.OptionalText("ResourceStatusReason"), DateTimeOffset.Parse(e.Text("Timestamp"), CultureInfo.InvariantCulture), e.OptionalText("ClientRequestToken"))));
            token = page.OptionalText("NextToken");
        } while (token is not null);
        return events;
    }

    public async Task<IReadOnlyList<ResourceView>> ResourcesAsync(string nameOrId) =>
        (await CallAsync("DescribeStackResources", ("StackName", nameOrId))).Members("StackResources")
            .Select(r => new ResourceView(r.Text("LogicalResourceId"), r.OptionalText("PhysicalResourceId"), r.Text("ResourceType"), r.Text("ResourceStatus"), r.OptionalText("ResourceStatusReason")))
            .ToList();

    public static IEnumerable<(string, string)> Parameters(IReadOnlyDictionary<string, string>? parameters) =>
        (parameters ?? new Dictionary<string, string>()).SelectMany((p, i) => new[]
        {
            ($"Parameters.member.{i + 1}.ParameterKey", p.Key),
            ($"Parameters.member.{i + 1}.ParameterValue", p.Value),
        });
}
