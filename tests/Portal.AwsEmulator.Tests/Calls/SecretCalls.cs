using System.Text.Json.Nodes;

namespace Portal.AwsEmulator.Tests.Calls;

public sealed class SecretCalls(AwsClient client)
{
    public Task<JsonObject> CallAsync(string operation, JsonObject body) => client.JsonAsync($"secretsmanager.{operation}", "secretsmanager", body);

    public Task<JsonObject> GetAsync(string secretId, string? stage = null) =>
        CallAsync("GetSecretValue", stage is null ? new JsonObject { ["SecretId"] = secretId } : new JsonObject { ["SecretId"] = secretId, ["VersionStage"] = stage });

    public async Task<string> ValueAsync(string secretId, string? stage = null) => (await GetAsync(secretId, stage))["SecretString"]!.GetValue<string>();
}

public sealed class LoadBalancingCalls(AwsClient client)
{
    public Task<System.Xml.Linq.XElement> CallAsync(string action, params (string Key, string Value)[] fields) =>
        client.QueryAsync("2015-12-01", "elasticloadbalancing", action, fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    /// <summary>(RuleArn, Priority, IsDefault) of every rule of the listener.</summary>
    public async Task<IReadOnlyList<(string Arn, string Priority, bool IsDefault)>> RulesAsync(string listenerArn) =>
        (await CallAsync("DescribeRules", ("ListenerArn", listenerArn))).Members("Rules")
            .Select(r => (r.Text("RuleArn"), r.Text("Priority"), r.Text("IsDefault") == "true")).ToList();

    public Task<System.Xml.Linq.XElement> CreateHostRuleAsync(string listenerArn, int priority, string host, string targetGroupArn) => CallAsync("CreateRule",
        ("ListenerArn", listenerArn), ("Priority", priority.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Conditions.member.1.Field", "host-header"), ("Conditions.member.1.HostHeaderConfig.Values.member.1", host),
        ("Actions.member.1.Type", "forward"), ("Actions.member.1.TargetGroupArn", targetGroupArn));
}
