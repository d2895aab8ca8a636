using System.Net;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.Faults;

/// <summary>The fault rules in force; thread-safe. Rules with a <c>Times</c> budget are removed once spent.</summary>
public sealed class FaultRules
{
    private readonly Lock gate = new();
    private readonly FaultSettings rules = new();
    private int nextId;

    public FaultRules(FaultSettings configured) => Add(configured);

    /// <summary>Adds the rules, giving each an id when it has none; returns them.</summary>
    public FaultSettings Add(FaultSettings added)
    {
        lock (gate)
        {
            foreach (var rule in added.Operations) { rule.Id ??= NewId("op"); rules.Operations.Add(rule); }
            foreach (var rule in added.Resources) { rule.Id ??= NewId("res"); rules.Resources.Add(rule); }
            foreach (var rule in added.Actions) { rule.Id ??= NewId("act"); rules.Actions.Add(rule); }
            foreach (var rule in added.NewStacks) { rule.Id ??= NewId("stack"); rules.NewStacks.Add(rule); }
            return added;
        }
    }

    public FaultSettings Snapshot()
    {
        lock (gate)
            return new FaultSettings
            {
                Operations = [.. rules.Operations],
                Resources = [.. rules.Resources],
                Actions = [.. rules.Actions],
                NewStacks = [.. rules.NewStacks],
            };
    }

    public void Clear()
    {
        lock (gate)
        {
            rules.Operations.Clear();
            rules.Resources.Clear();
            rules.Actions.Clear();
            rules.NewStacks.Clear();
        }
    }

    public bool Remove(string id)
    {
        lock (gate)
            return rules.Operations.RemoveAll(r => r.Id == id) + rules.Resources.RemoveAll(r => r.Id == id) + rules.Actions.RemoveAll(r => r.Id == id)
                + rules.NewStacks.RemoveAll(r => r.Id == id) > 0;
    }

    /// <summary>The latency to add and the error to answer (null: handle the call) for one API call.</summary>
    public (TimeSpan Latency, AwsServiceException? Error) ForOperation(string service, string operation, string throttlingCode)
    {
        lock (gate)
        {
            var latency = TimeSpan.Zero;
            AwsServiceException? error = null;
            foreach (var rule in rules.Operations.Where(r => r.Matches(service, operation)).ToList())
            {
                var fired = false;
                if (rule.Latency > TimeSpan.Zero) { latency += rule.Latency; fired = true; }
                if (error is null && rule.ThrottleRate > 0 && Random.Shared.NextDouble() < rule.ThrottleRate)
                {
                    error = new AwsServiceException(throttlingCode, "Rate exceeded");
                    fired = true;
                }
                else if (error is null && rule.ErrorRate > 0 && Random.Shared.NextDouble() < rule.ErrorRate)
                {
                    error = rule.ErrorStatus == 503
                        ? new AwsServiceException("ServiceUnavailable", "Service is unavailable. Please try again later.", HttpStatusCode.ServiceUnavailable, senderFault: false)
                        : new AwsServiceException("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", HttpStatusCode.InternalServerError, senderFault: false);
                    fired = true;
                }
                if (fired) Spend(rule, rule.Times, times => rule.Times = times, rules.Operations);
            }
            return (latency, error);
        }
    }

    /// <summary>The reason the resource operation fails with, or null.</summary>
    public string? ForResource(string stackName, string logicalId, string resourceType, string operation)
    {
        lock (gate)
        {
            var rule = rules.Resources.FirstOrDefault(r => r.Matches(stackName, logicalId, resourceType, operation));
            if (rule is null) return null;
            Spend(rule, rule.Times, times => rule.Times = times, rules.Resources);
            return rule.Reason;
        }
    }

    /// <summary>The failure the pipeline action ends with, or null.</summary>
    public (string Code, string Message)? ForAction(string pipelineName, string stageName, string actionName, string category, string provider)
    {
        lock (gate)
        {
            var rule = rules.Actions.FirstOrDefault(r => r.Matches(pipelineName, stageName, actionName, category, provider));
            if (rule is null) return null;
            Spend(rule, rule.Times, times => rule.Times = times, rules.Actions);
            return (rule.Code, rule.Message);
        }
    }

    /// <summary>How many describe calls a stack just created stays invisible to (0: none).</summary>
    public int ForNewStack(string stackName)
    {
        lock (gate)
        {
            var rule = rules.NewStacks.FirstOrDefault(r => r.Matches(stackName));
            if (rule is null) return 0;
            Spend(rule, rule.Times, times => rule.Times = times, rules.NewStacks);
            return Math.Max(0, rule.Misses);
        }
    }

    private static void Spend<T>(T rule, int? times, Action<int?> setTimes, List<T> list)
    {
        if (times is null) return;
        setTimes(times - 1);
        if (times - 1 <= 0) list.Remove(rule);
    }

    private string NewId(string kind) => $"{kind}-{++nextId}";
}
