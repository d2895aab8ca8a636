namespace Portal.AwsEmulator.Faults;

/// <summary>
/// Throttling, 5xx answers and added latency for the API calls that match <see cref="Operation"/>:
/// "DescribeStacks", "cloudformation:DescribeStacks", "cloudformation:*" or "*".
/// </summary>
public sealed class OperationFault
{
    public string? Id { get; set; }
    public string Operation { get; set; } = "*";

    /// <summary>Share of matching calls (0..1) answered with the service's throttling error.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>Share of matching calls (0..1) answered with a server error.</summary>
    public double ErrorRate { get; set; }

    /// <summary>500 (InternalFailure) or 503 (ServiceUnavailable).</summary>
    public int ErrorStatus { get; set; } = 500;

    /// <summary>Added before the call is handled.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>The rule injects a fault at most this many times, then it is spent; null: without end.</summary>
    public int? Times { get; set; }

    public bool Matches(string service, string operation)
    {
        if (Operation is "*" or "") return true;
        var colon = Operation.IndexOf(':');
        if (colon < 0) return Operation.Equals(operation, StringComparison.OrdinalIgnoreCase);
        var ruleService = Operation[..colon];
        var ruleOperation = Operation[(colon + 1)..];
        return ruleService.Equals(service, StringComparison.OrdinalIgnoreCase)
            && (ruleOperation == "*" || ruleOperation.Equals(operation, StringComparison.OrdinalIgnoreCase));
    }
}
