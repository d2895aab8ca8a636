using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Security;

namespace Portal.Tests.Support;

/// <summary>
/// The one way tests make a host row. By default as the order form saves it (Ordered, a customer of its own);
/// <see cref="Provisioned"/> makes it as the provisioning jobs leave it (states, pipelines, the source location in each
/// environment's outputs, a webhook token stored hashed). <see cref="TestOrders"/> and <see cref="TestHosts"/> are
/// shorthands over it.
/// </summary>
public sealed class TestHostBuilder(string name)
{
    private static readonly EnvironmentKind[] AllEnvironments = [EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production];

    private EnvironmentKind[] environments = AllEnvironments;
    private Guid? customerId;
    private string customerSlug = "c" + Guid.NewGuid().ToString("N")[..12];
    private (HostState Host, EnvironmentState Environment)? provisioned;
    private IReadOnlyDictionary<EnvironmentKind, string>? pipelines;
    private (long? Id, string Path)? gitLab;
    private Action<Host>? configure;

    /// <summary>The webhook token of a <see cref="Provisioned"/> host, in the clear (the row holds its hash).</summary>
    public string WebhookToken { get; } = SecretToken.Generate("glw_");

    /// <summary>The customer's slug: a new customer of this slug, or the existing one.</summary>
    public string CustomerSlug => customerSlug;

    public TestHostBuilder WithEnvironments(params EnvironmentKind[] kinds)
    {
        environments = kinds;
        return this;
    }

    /// <summary>Of an existing customer.</summary>
    public TestHostBuilder OfCustomer(Guid id)
    {
        customerId = id;
        return this;
    }

    /// <summary>Of the customer with this slug, made if there is none.</summary>
    public TestHostBuilder OfCustomer(string slug)
    {
        customerSlug = slug;
        return this;
    }

    public TestHostBuilder WithGitLab(long? projectId, string pathWithNamespace)
    {
        gitLab = (projectId, pathWithNamespace);
        return this;
    }

    /// <summary>As provisioning leaves it; <paramref name="pipelineNames"/> overrides the default pipeline names.</summary>
    public TestHostBuilder Provisioned(HostState hostState = HostState.Active, EnvironmentState environmentState = EnvironmentState.Active,
        IReadOnlyDictionary<EnvironmentKind, string>? pipelineNames = null)
    {
        provisioned = (hostState, environmentState);
        pipelines = pipelineNames;
        return this;
    }

    public TestHostBuilder Configure(Action<Host> change)
    {
        configure += change;
        return this;
    }

    /// <summary>The host, not saved; its customer is attached only when made here (no <see cref="OfCustomer(Guid)"/>).</summary>
    public Host Build(Customer? customer = null)
    {
        var (path, httpUrl) = gitLab is { } project
            ? (project.Path, $"{GitLab.GitLabSender.Instance}/{project.Path}.git")
            : ($"{customerSlug}/{name}", $"https://gitlab.example.test/{customerSlug}/{name}.git");
        var host = new Host
        {
            Name = name,
            Plan = "small",
            GitLab = new GitLabProject { ProjectId = gitLab?.Id, PathWithNamespace = path, HttpUrl = httpUrl },
        };
        if (customerId is { } id) host.CustomerId = id;
        else host.Customer = customer ?? new Customer { Name = $"Customer {customerSlug}", Slug = customerSlug };
        foreach (var kind in environments)
            host.Environments.Add(new HostEnvironment { Kind = kind, Branch = TestHosts.DefaultBranches[kind] });
        if (provisioned is not { } states)
        {
            // What the order form requires of a production order.
            host.HealthCheckPath = "/health";
            host.ApproverEmails = ["ops@example.test"];
        }
        else
        {
            host.State = states.Host;
            host.WebhookTokenHash = SecretToken.Hash(WebhookToken);
            foreach (var environment in host.Environments)
            {
                var env = EnvironmentNames.Of(environment.Kind);
                environment.State = states.Environment;
                environment.PipelineName = PipelineOf(environment.Kind);
                environment.Outputs = EmulatorPipelines.SourceOutputs($"hosts/{customerSlug}/{name}/{env}/software/releases/");
            }
        }
        configure?.Invoke(host);
        return host;
    }

    /// <summary>The pipeline a <see cref="Provisioned"/> environment of this kind is given.</summary>
    public string PipelineOf(EnvironmentKind kind) =>
        pipelines?.GetValueOrDefault(kind) ?? $"{customerSlug}-{name}-{EnvironmentNames.Of(kind)}-software";

    public async Task<Host> SaveAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var customer = customerId is null ? await db.Customers.FirstOrDefaultAsync(c => c.Slug == customerSlug, cancellationToken) : null;
        var host = Build(customer);
        db.Hosts.Add(host);
        await db.SaveChangesAsync(cancellationToken);
        return host;
    }
}
