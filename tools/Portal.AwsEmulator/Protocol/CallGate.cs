using Microsoft.Extensions.Options;
using Portal.AwsEmulator.Admin;
using Portal.AwsEmulator.Faults;

namespace Portal.AwsEmulator.Protocol;

/// <summary>What every AWS call goes through before its handler, whatever its protocol: authentication, statistics, injected faults.</summary>
public sealed class CallGate(FaultRules faults, OperationStats stats, IOptions<EmulatorOptions> options, ILogger<CallGate> logger)
{
    private readonly EmulatorOptions settings = options.Value;

    public string DefaultRegion => settings.DefaultRegion;

    /// <summary>The region the call is for (its credential scope's, or the default); throws the refusal or the injected fault.</summary>
    public async Task<string> EnterAsync(HttpContext http, string service, string operation, string throttlingCode, SigV4Scope? scope,
        Func<AwsServiceException> missingAuthentication)
    {
        if (scope is null && settings.RequireAuthentication)
            throw missingAuthentication();
        stats.Count(service, operation);
        var (latency, fault) = faults.ForOperation(service, operation, throttlingCode);
        if (latency > TimeSpan.Zero)
            await Task.Delay(latency, http.RequestAborted);
        if (fault is not null)
        {
            stats.CountFault();
            logger.LogDebug("Injected {Code} into {Service}:{Operation}", fault.Code, service, operation);
            throw fault;
        }
        return scope?.Region ?? settings.DefaultRegion;
    }
}
