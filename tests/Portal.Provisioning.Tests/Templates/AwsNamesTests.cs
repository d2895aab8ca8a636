using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Data.Entities;
using Portal.Provisioning.Templates;

namespace Portal.Provisioning.Tests.Templates;

/// <summary>
/// No two hosts ever share an AWS name, however alike their customers' slugs and host names read: the names two
/// tenants' stacks would create are compared as CloudFormation would see them.
/// </summary>
public sealed class AwsNamesTests
{
    private static readonly Regex StackNamePattern = new("^[A-Za-z][-A-Za-z0-9]*$");
    private static readonly Regex PipelineNamePattern = new("^[A-Za-z0-9.@_-]{1,100}$");
    private static readonly Regex ResourceNamePattern = new("^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$");

    /// <summary>Customer "acme" with host "shop-web" and "acme-labs" with "web" read alike, so do "acme"/"labs-shop" and "acme-labs"/"shop".</summary>
    public static TheoryData<string, string, string, string> LookAlikes => new()
    {
        { "acme", "shop-web", "acme-labs", "web" },
        { "acme-labs", "shop", "acme", "labs-shop" },
        { "acme", "labs-shop-web", "acme-labs", "shop-web" },
        // Host names: "shop" of "x-dev-y" and "shop-dev-x" of "y" would both be shop-dev-x-dev-y with single hyphens.
        { "x-dev-y", "shop", "y", "shop-dev-x" },
    };

    [Theory]
    [InlineData("acme", "web", EnvironmentKind.Production, "web-production--acme.apps.example.com")]
    [InlineData("acme", "web", EnvironmentKind.Dev, "web-dev--acme.apps.example.com")]
    [InlineData("a-very-long-customer-slug-of-forty-chars", "and-a-very-long-host-name-of-forty-chars", EnvironmentKind.Production, null)]
    [InlineData("ab", "and-a-very-long-host-name-of-forty-chars", EnvironmentKind.Staging, "and-a-very-long-host-name-of-forty-chars-staging--ab.apps.example.com")]
    public void Default_host_names_are_one_label_below_the_base_domain_so_its_wildcard_certificate_covers_them(
        string customer, string host, EnvironmentKind kind, string? expected)
    {
        var domain = AwsNames.DefaultHostDomain(customer, host, kind, "Apps.Example.com.");

        var label = domain[..domain.IndexOf('.')];
        Assert.Equal("apps.example.com", domain[(label.Length + 1)..]);
        Assert.InRange(label.Length, 1, AwsNames.MaxResourceNameLength);
        Assert.Matches("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", label);
        Assert.Contains($"-{Portal.Data.EnvironmentNames.Of(kind)}--", label);
        if (expected is not null) Assert.Equal(expected, domain);
        Assert.NotEqual(domain, AwsNames.DefaultHostDomain(customer + "x", host, kind, "apps.example.com"));
    }

    [Fact]
    public void Look_alike_host_names_stay_apart_when_cut_to_fit()
    {
        var a = AwsNames.DefaultHostDomain("customer-one-of-many-with-a-long-slug-x", "web-application-frontend-of-a-long-name", EnvironmentKind.Production, "b.io");
        var b = AwsNames.DefaultHostDomain("customer-one-of-many-with-a-long-slug-y", "web-application-frontend-of-a-long-name", EnvironmentKind.Production, "b.io");

        Assert.NotEqual(a, b);
        Assert.All(new[] { a, b }, d => Assert.True(d.IndexOf('.') <= AwsNames.MaxResourceNameLength, d));
    }

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alike_tenants_never_share_an_AWS_name(string customerA, string hostA, string customerB, string hostB)
    {
        foreach (var kind in new[] { EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production })
        {
            var a = NamesOf(RenderInputs.Order(kind, Ordered(hostA), customerA));
            var b = NamesOf(RenderInputs.Order(kind, Ordered(hostB), customerB));

            var shared = a.Keys.Intersect(b.Keys).ToList();
            Assert.True(shared.Count == 0, $"{customerA}/{hostA} and {customerB}/{hostB} share: " +
                string.Join(", ", shared.Select(name => $"{name} ({a[name]})")));
        }
    }

    [Fact]
    public void A_new_host_under_a_decommissioned_hosts_name_gets_names_of_its_own()
    {
        var old = NamesOf(RenderInputs.Order(EnvironmentKind.Production, Ordered("web"), "acme"));
        var reused = NamesOf(RenderInputs.Order(EnvironmentKind.Production, Ordered("web"), "acme"));

        // Only the site's address is the same again: the customer keeps the URL they knew (the old record went with its stack).
        var shared = old.Keys.Intersect(reused.Keys).Where(name => old[name] != "HostRecord.Name").ToList();
        Assert.True(shared.Count == 0, "shared: " + string.Join(", ", shared.Select(name => $"{name} ({old[name]})")));
    }

    [Fact]
    public void The_environments_of_one_host_never_share_a_name_or_an_artifact_folder()
    {
        var host = RenderInputs.Host("shop-frontend");
        var names = new[] { EnvironmentKind.Dev, EnvironmentKind.Staging, EnvironmentKind.Production }
            .Select(kind => AwsNames.For("acme", host.Name, host.ResourceKey, kind)).ToList();

        var folders = names.SelectMany(n => new[] { n.SoftwarePipeline, n.InfrastructurePipeline }).Select(AwsNames.PipelineArtifactFolder).ToList();
        Assert.Equal(6, folders.Distinct().Count());
        Assert.Equal(3, names.Select(n => n.ArtifactPrefix).Distinct().Count());
        Assert.Equal(6, names.SelectMany(n => new[] { n.SoftwareStack, n.InfrastructureStack }).Distinct().Count());
    }

    [Fact]
    public void Names_stay_within_AWS_limits_and_characters_and_keep_their_unique_part_when_cut()
    {
        var key = Host.NewResourceKey();
        var customer = new string('c', 32);
        var host = new string('h', 39) + "a";

        var names = AwsNames.For(customer, host, key, EnvironmentKind.Production);

        Assert.InRange(names.SoftwareStack.Length, 1, AwsNames.MaxStackNameLength);
        Assert.Matches(StackNamePattern, names.SoftwareStack);
        Assert.Matches(StackNamePattern, names.InfrastructureStack);
        Assert.Matches(PipelineNamePattern, names.SoftwarePipeline);
        Assert.Matches(ResourceNamePattern, names.ResourceName);
        Assert.EndsWith($"-production-{key}", names.ResourceName);
        Assert.EndsWith($"-production-{key}-app", names.SoftwareStack);
        Assert.StartsWith($"{key}-prd-app-", names.SoftwarePipeline);
        Assert.Equal(names, AwsNames.For(customer, host, key, EnvironmentKind.Production));
    }

    [Fact]
    public void Only_letters_digits_and_single_hyphens_reach_a_name()
    {
        var names = AwsNames.For("Acme_Corp", "my.web--site", "abc234", EnvironmentKind.Staging);

        Assert.Equal("portal-acme-corp-my-web-site-staging-abc234-infra", names.InfrastructureStack);
        Assert.Equal("acme-corp-my-web-site-staging-abc234", names.ResourceName);
        Assert.Throws<ArgumentException>(() => AwsNames.For("---", "web", "abc234", EnvironmentKind.Dev));
        Assert.Throws<ArgumentException>(() => AwsNames.For("acme", "web", "ABC-12", EnvironmentKind.Dev));
    }

    [Fact]
    public void Every_stack_is_tagged_with_its_environments_own_id()
    {
        var order = RenderInputs.Order(EnvironmentKind.Dev);

        var stack = RenderInputs.Renderer().RenderSoftware(order, 7);

        Assert.Contains(new StackTag(RenderedStack.EnvironmentIdTag, order.Environment.Id.ToString()), stack.Tags);
        Assert.Equal(order.Environment.Id.ToString(), stack.Parameter("EnvironmentId"));
    }

    /// <summary>A host as an order makes it: with a resource key of its own.</summary>
    private static Host Ordered(string name)
    {
        var host = RenderInputs.Host(name);
        host.ResourceKey = Host.NewResourceKey();
        return host;
    }

    /// <summary>
    /// Every name one environment's stacks give AWS: the stacks and pipelines themselves, the artifact prefix, and each
    /// resource property that names something (…Name, DBInstanceIdentifier), as CloudFormation would resolve it.
    /// </summary>
    private static Dictionary<string, string> NamesOf(HostEnvironmentOrder order)
    {
        var renderer = RenderInputs.Renderer();
        var aws = AwsNames.For(order);
        var names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [aws.InfrastructureStack] = "stack", [aws.SoftwareStack] = "stack",
            [aws.InfrastructurePipeline] = "pipeline", [aws.SoftwarePipeline] = "pipeline",
            [AwsNames.PipelineArtifactFolder(aws.SoftwarePipeline)] = "artifact folder",
            [AwsNames.PipelineArtifactFolder(aws.InfrastructurePipeline)] = "artifact folder",
            [aws.ArtifactPrefix] = "artifact prefix",
        };
        foreach (var stack in new[] { renderer.RenderInfrastructure(order), renderer.RenderSoftware(order, 7) })
        {
            using var template = JsonDocument.Parse(ConcreteTemplate.Json(stack));
            foreach (var resource in template.RootElement.GetProperty("Resources").EnumerateObject())
                foreach (var (property, value) in NamingProperties(resource.Value.GetProperty("Properties")))
                    names.TryAdd(value, $"{resource.Name}.{property}");
        }
        return names;
    }

    private static IEnumerable<(string Property, string Value)> NamingProperties(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in properties.EnumerateObject())
        {
            var names = property.Name.EndsWith("Name", StringComparison.Ordinal) || property.Name is "DBInstanceIdentifier" or "Prefix";
            if (names && property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } value
                // Names inside a resource (the database's own name), or of an AWS-managed thing it refers to.
                && property.Name is not ("DeviceName" or "ResourceTypeName" or "DBName" or "DeploymentConfigName"))
                yield return (property.Name, value);
        }
    }
}
