using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Tests.Support;

namespace Portal.Benchmarks;

/// <summary>
/// A host written straight into the database has never had an image baked nor a release deployed, so its first push
/// would ask for a bake and its first successful release for the health-check roll-out, both updating stacks these
/// benchmarks never create. A host in service has had both: its image reflects the repository's infrastructure folder
/// at a commit, and a release succeeded, so pushes that do not touch the folder only release.
/// </summary>
public static class BakedHosts
{
    public static Task MarkBakedAsync(this PortalHost portal, TestHost host, string commitId) =>
        portal.WithScopeAsync(services => services.GetRequiredService<PortalDbContext>().HostEnvironments
            .Where(e => e.HostId == host.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.InfrastructureCommitId, commitId).SetProperty(e => e.ReleaseDeployed, true)));
}
