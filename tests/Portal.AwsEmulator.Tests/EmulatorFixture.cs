using Portal.AwsEmulator.Tests.Calls;
using Portal.Tests.Support;

namespace Portal.AwsEmulator.Tests;

/// <summary>One emulator per test class (faults and delays set by one test class never reach another) and its clients.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    public const string SharedListenerArn = "arn:aws:elasticloadbalancing:eu-west-1:000000000000:listener/app/shared/50dc6c495c0c9188/f2f7dc8efc522ab2";

    public EmulatorHost Emulator { get; private set; } = null!;
    public AwsClient Client { get; private set; } = null!;
    public CloudFormationCalls Stacks { get; private set; } = null!;
    public PipelineCalls Pipelines { get; private set; } = null!;
    public SecretCalls Secrets { get; private set; } = null!;
    public LoadBalancingCalls LoadBalancing { get; private set; } = null!;
    public S3Calls S3 { get; private set; } = null!;
    public BuildCalls Builds { get; private set; } = null!;

    /// <summary>The ACM certificates the tests' listeners and templates name (listeners refuse unknown ones of this account).</summary>
    public static readonly IReadOnlyList<(string Arn, string Domain)> SeededCertificates =
    [
        ("arn:aws:acm:eu-west-1:000000000000:certificate/shared", "*.apps.example.com"),
        ("arn:aws:acm:eu-west-1:000000000000:certificate/own", "own.example.com"),
        ("arn:aws:acm:eu-west-1:000000000000:certificate/wildcard-apps", "*.apps.example.com"),
        ("arn:aws:acm:eu-west-1:000000000000:certificate/acme", "www.acme.example"),
    ];

    /// <summary>The shared listener and the certificates are seeded by configuration, as the portal's platform settings name them.</summary>
    public static readonly IReadOnlyDictionary<string, string?> SeedSharedListener = new Dictionary<string, string?>
    {
        ["Emulator:Seed:Listeners:0:ListenerArn"] = SharedListenerArn,
        ["Emulator:Seed:Listeners:0:CertificateArns:0"] = SeededCertificates[0].Arn,
    }.Concat(SeededCertificates.SelectMany((c, i) => new[]
    {
        KeyValuePair.Create($"Emulator:Seed:Certificates:{i}:CertificateArn", (string?)c.Arn),
        KeyValuePair.Create($"Emulator:Seed:Certificates:{i}:DomainName", (string?)c.Domain),
    })).ToDictionary();

    /// <summary>Configuration a test class adds to <see cref="SeedSharedListener"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync(SeedSharedListener.Concat(Settings).ToDictionary());
        Client = new AwsClient(Emulator.BaseUrl);
        Stacks = new CloudFormationCalls(Client);
        Pipelines = new PipelineCalls(Client);
        Secrets = new SecretCalls(Client);
        LoadBalancing = new LoadBalancingCalls(Client);
        S3 = new S3Calls(Emulator.BaseUrl);
        Builds = new BuildCalls(Client);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        S3.Dispose();
        await Emulator.DisposeAsync();
    }

    /// <summary>A bucket name no other test uses (lower case, as S3 requires).</summary>
    public static string UniqueBucket(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 13)];

    /// <summary>A stack name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 13)];
}
