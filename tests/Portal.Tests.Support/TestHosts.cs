using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.GitLab;

namespace Portal.Tests.Support;

/// <summary>A host as the provisioning jobs leave it: a customer, a webhook token (stored hashed) and environments with pipelines.</summary>
public sealed record TestHost(Guid Id, Guid CustomerId, string Name, string WebhookToken, IReadOnlyDictionary<EnvironmentKind, Guid> Environments,
    IReadOnlyDictionary<EnvironmentKind, string> Pipelines);

public static class TestHosts
{
    public static readonly IReadOnlyDictionary<EnvironmentKind, string> DefaultBranches = new Dictionary<EnvironmentKind, string>
    {
        [EnvironmentKind.Dev] = "dev",
        [EnvironmentKind.Staging] = "staging",
        [EnvironmentKind.Production] = "master",
    };

    /// <summary>
    /// Writes a host of a new customer straight into the portal's database. With <paramref name="gitLabToken"/> the host
    /// has what releasing needs, as an order leaves it: the token in Secrets Manager (at the emulator) and each
    /// environment's source location in its outputs (the artifact bucket <see cref="EmulatorPipelines.ArtifactBucket"/>).
    /// </summary>
    public static Task<TestHost> CreateHostAsync(this PortalHost portal, long? projectId, string projectPath,
        HostState hostState = HostState.Active, EnvironmentState environmentState = EnvironmentState.Active,
        IReadOnlyDictionary<EnvironmentKind, string>? pipelines = null, string? gitLabToken = null) =>
        portal.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<PortalDbContext>();
            // A project releases to one live host: a test replaying a payload of a fixed project id retires the host an
            // earlier test made for it, as its decommission would.
            if (projectId is not null && hostState != HostState.Decommissioned)
                await db.Hosts.Where(h => h.GitLab.ProjectId == projectId && h.State != HostState.Decommissioned)
                    .ExecuteUpdateAsync(set => set.SetProperty(h => h.State, HostState.Decommissioned));
            var builder = new TestHostBuilder("web").WithGitLab(projectId, projectPath).Provisioned(hostState, environmentState, pipelines);
            var host = builder.Build();
            if (gitLabToken is not null)
                host.GitLab.TokenSecretArn = await services.GetRequiredService<GitLabTokenVault>()
                    .CreateAsync(builder.CustomerSlug, host.Name, host.Id, new HostGitLabSecret(gitLabToken, builder.WebhookToken), CancellationToken.None);
            db.Hosts.Add(host);
            await db.SaveChangesAsync();
            return new TestHost(host.Id, host.CustomerId, host.Name, builder.WebhookToken, host.Environments.ToDictionary(e => e.Kind, e => e.Id),
                host.Environments.ToDictionary(e => e.Kind, e => builder.PipelineOf(e.Kind)));
        });
}
