using Microsoft.Extensions.Options;
using Portal.AwsEmulator.ElasticLoadBalancing;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.State;

/// <summary>Creates what exists outside any stack: the listeners configured under Emulator:Seed (or posted to /_emulator/seed).</summary>
public sealed class Seeder(EmulatorState state, IOptions<EmulatorOptions> options)
{
    public void SeedConfigured()
    {
        foreach (var listener in options.Value.Seed.Listeners)
            SeedListener(listener);
    }

    /// <summary>The listener goes into the region its ARN names.</summary>
    public ListenerRecord SeedListener(SeedListener listener)
    {
        var region = Arns.Region(listener.ListenerArn) ?? throw AwsServiceException.Validation($"'{listener.ListenerArn}' is not a valid listener ARN");
        return state.Region(region).LoadBalancing.Seed(listener);
    }
}
