using Portal.Data.Entities;
using Portal.Releases.GitLab;
using Portal.Releases.Webhooks;

namespace Portal.Releases.Tests.Webhooks;

/// <summary>Pushes to the branches of environments added to a host, or removed from it, by a change.</summary>
public sealed class PushRoutingTests
{
    private static readonly EnvironmentCandidate Dev = new(Guid.NewGuid(), EnvironmentKind.Dev, "dev", EnvironmentState.Active, "acme-web-dev-software");

    [Fact]
    public void A_push_to_a_removed_environments_branch_maps_to_no_environment_as_an_unknown_branch_does()
    {
        var removed = new EnvironmentCandidate(Guid.NewGuid(), EnvironmentKind.Staging, "staging", EnvironmentState.Decommissioned, "acme-web-staging-software");
        var host = Host(HostState.Active, Dev, removed);

        var (environment, status, because, reason) = PushRouting.Route(host, Push("staging"));

        Assert.Null(environment);
        Assert.Equal((DeliveryStatus.Ignored, IgnoredBecause.UnmappedBranch), (status, because));
        Assert.Equal("Branch staging maps to no environment of host web (dev → dev).", reason);
        Assert.Equal(reason!.Replace("staging", "feature", StringComparison.Ordinal), PushRouting.Route(host, Push("feature")).Reason);
    }

    [Fact]
    public void A_push_to_an_added_environment_is_held_while_it_is_provisioned_and_accepted_once_it_is_active()
    {
        var provisioning = new EnvironmentCandidate(Guid.NewGuid(), EnvironmentKind.Production, "master", EnvironmentState.Provisioning, null);
        Assert.Equal(DeliveryStatus.Held, PushRouting.Route(Host(HostState.Provisioning, Dev, provisioning), Push("master")).Status);

        var active = provisioning with { State = EnvironmentState.Active, PipelineName = "acme-web-production-software" };
        var (environment, status, _, _) = PushRouting.Route(Host(HostState.Active, Dev, active), Push("master"));

        Assert.Equal((active.Id, DeliveryStatus.Accepted), (environment?.Id, status));
    }

    [Fact]
    public void A_decommissioned_hosts_environments_still_answer_for_the_host()
    {
        var gone = Dev with { State = EnvironmentState.Decommissioned };

        var (_, status, because, reason) = PushRouting.Route(Host(HostState.Decommissioned, gone), Push("dev"));

        Assert.Equal((DeliveryStatus.Ignored, IgnoredBecause.EnvironmentNotActive), (status, because));
        Assert.Contains("host Decommissioned", reason);
    }

    private static HostCandidate Host(HostState state, params EnvironmentCandidate[] environments) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "web", state, null, environments);

    private static PushEvent Push(string branch) => new(
        "push", PushEvent.BranchRefPrefix + branch, new string('1', 40), new string('2', 40), new string('2', 40), 7, "dev", "Dev", null,
        new PushProject(42, "acme/web", null, null), [], 0, CiSkip: false);
}
