using Portal.Data.Entities;
using Portal.Provisioning.Policy;
using Portal.Tests.Support;

namespace Portal.Provisioning.Tests.Integration;

public sealed class PolicyRefusalTests : IAsyncLifetime
{
    private readonly string templates = Path.Combine(Path.GetTempPath(), $"portal-templates-{Guid.NewGuid():N}");
    private ProvisioningWorld world = null!;

    public async Task InitializeAsync()
    {
        CopyDirectory(Repository.Templates, templates);
        var software = Path.Combine(templates, "host-software.yaml");
        var body = await File.ReadAllTextAsync(software);
        Assert.Contains("PubliclyAccessible: false", body);
        await File.WriteAllTextAsync(software, body.Replace("PubliclyAccessible: false", "PubliclyAccessible: true"));
        world = await ProvisioningWorld.StartAsync(new Dictionary<string, string?> { ["Templates:Path"] = templates });
    }

    public async Task DisposeAsync()
    {
        await world.DisposeAsync();
        Directory.Delete(templates, recursive: true);
    }

    [Fact]
    public async Task A_template_that_breaks_a_policy_is_refused_before_any_AWS_call_with_the_rule_named()
    {
        var order = await world.OrderAsync("leaky", EnvironmentKind.Dev);

        var failed = await world.WaitForAsync(order.Id, HostState.Failed);

        var environment = Assert.Single(failed.Environments);
        Assert.Contains(TemplatePolicy.DatabaseNotPublic, environment.StateReason);
        Assert.Contains("DatabaseInstance", environment.StateReason);
        Assert.Null(environment.ListenerPriority);
        var stats = await world.Emulator.StatsAsync();
        Assert.Equal(0, stats.Total);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(directory.Replace(from, to));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, file.Replace(from, to));
    }
}
