using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Provisioning.Templates;

/// <summary>One environment of a customer's host order: what the renderer turns into stacks.</summary>
public sealed partial record HostEnvironmentOrder(string CustomerSlug, Host Host, HostEnvironment Environment)
{
    /// <summary>The templates' pattern for CustomerSlug and HostName; it keeps every derived AWS name within its limit.</summary>
    public const string NamePattern = "^[a-z][a-z0-9-]{0,39}$";

    /// <summary>Throws when the customer slug or the host name would be refused by the templates.</summary>
    public void Validate()
    {
        if (!Name().IsMatch(CustomerSlug))
            throw new ArgumentException($"Customer slug '{CustomerSlug}' must be 1-40 lower-case letters, digits or hyphens, starting with a letter.");
        if (!Name().IsMatch(Host.Name))
            throw new ArgumentException($"Host name '{Host.Name}' must be 1-40 lower-case letters, digits or hyphens, starting with a letter.");
    }

    [GeneratedRegex(NamePattern)]
    private static partial Regex Name();

    public string EnvironmentName => EnvironmentNames.Of(Environment.Kind);

    /// <summary>The stack's name: the one recorded for the environment, else the one <see cref="AwsNames"/> gives it.</summary>
    public string StackName(StackLayer layer) => Environment.StackName(layer) ?? AwsNames.For(this).StackName(layer);
    public bool IsProduction => Environment.Kind == EnvironmentKind.Production;

    /// <summary>Production releases always wait for approval; dev and staging when an operator asked for it.</summary>
    public bool RequiresApproval => IsProduction || Environment.RequiresApproval;

    /// <summary>Whether a release of this environment succeeded: only then do load balancer health checks replace instances.</summary>
    public bool ReleaseDeployed { get; init; } = Environment.ReleaseDeployed;

    /// <summary>Blue/green: the side serving traffic; the pipeline deploys to the other one.</summary>
    public LiveColour LiveColour { get; init; } = Environment.LiveColour;
}

/// <summary>
/// Computes a host environment's stacks from its order and the platform: stable names, the parameters each
/// template declares, tags and hashes. Templates are never string-templated; per-order values are parameters.
/// </summary>
public sealed partial class HostStackRenderer(TemplateCatalog templates, PlatformSettings platform, PlanCatalog plans)
{
    public const int MaxApprovers = 5;
    public const int MinListenerPriority = 1;
    public const int MaxListenerPriority = 50000;

    /// <summary>The template's smallest DatabaseStorageGb.</summary>
    public const int MinDatabaseStorageGb = 20;

    /// <summary>The software template's parameters a custom domain is made of, and the one guarding its dedicated load balancer.</summary>
    public const string CustomDomainParameter = "CustomDomain";
    public const string CertificateArnParameter = "CertificateArn";
    private const string LoadBalancerDeletionProtectionParameter = "LoadBalancerDeletionProtection";

    public StackPlan Render(HostEnvironmentOrder order, int listenerPriority, string? amiId = null) =>
        new(RenderInfrastructure(order), RenderPackerTemplate(order), RenderSoftware(order, listenerPriority, amiId));

    public RenderedStack RenderInfrastructure(HostEnvironmentOrder order)
    {
        var keys = ArtifactKeys.For(order);
        var pipelineName = AwsNames.For(order).InfrastructurePipeline;
        return Build(order, StackLayer.Infrastructure, StackPurpose.Provision, TemplateCatalog.HostInfrastructure, new Dictionary<string, string>
        {
            ["ArtifactBucketName"] = platform.ArtifactBucket,
            ["ArtifactPrefix"] = keys.Prefix,
            ["InfrastructureSourceKey"] = keys.InfrastructureSource,
            ["PackerTemplateKey"] = keys.PackerTemplate,
            ["PipelineName"] = pipelineName,
            ["PipelineArtifactFolder"] = AwsNames.PipelineArtifactFolder(pipelineName),
            ["KmsKeyArn"] = platform.KmsKeyArn,
            ["VpcId"] = platform.VpcId,
            ["PrivateSubnetIds"] = string.Join(',', platform.PrivateSubnetIds),
            ["PermissionsBoundaryArn"] = platform.PermissionsBoundaryArn,
        });
    }

    /// <param name="amiId">
    /// The image to run; the environment's baked one when null, and the platform's default (with the CodeDeploy agent
    /// installed from user data) until the first bake.
    /// </param>
    /// <param name="purpose">
    /// Decommission lifts a production database's and dedicated load balancer's deletion protection so the stack can be
    /// deleted; DropCustomDomain lifts the load balancer's only, before the update that removes the custom domain.
    /// </param>
    public RenderedStack RenderSoftware(HostEnvironmentOrder order, int listenerPriority, string? amiId = null, StackPurpose purpose = StackPurpose.Provision)
    {
        if (listenerPriority is < MinListenerPriority or > MaxListenerPriority)
            throw new ArgumentOutOfRangeException(nameof(listenerPriority), listenerPriority, $"Listener priorities run from {MinListenerPriority} to {MaxListenerPriority}.");
        var host = order.Host;
        var plan = plans.Get(host.Plan);
        var names = AwsNames.For(order);
        var pipelineName = names.SoftwarePipeline;
        var listener = platform.Listener(order.Environment.ListenerArn);
        var minInstances = host.MinInstances ?? plan.MinInstances;
        var maxInstances = host.MaxInstances ?? plan.MaxInstances;
        var parameters = new Dictionary<string, string>
        {
            ["VpcId"] = platform.VpcId,
            ["PrivateSubnetIds"] = string.Join(',', platform.PrivateSubnetIds),
            ["PublicSubnetIds"] = string.Join(',', platform.PublicSubnetIds),
            ["KmsKeyArn"] = platform.KmsKeyArn,
            ["ArtifactBucketName"] = platform.ArtifactBucket,
            ["SoftwareSourceKey"] = ArtifactKeys.For(order).SoftwareSource,
            ["SoftwareSourcePrefix"] = ArtifactKeys.For(order).SoftwareReleases,
            ["PipelineName"] = pipelineName,
            ["PipelineArtifactFolder"] = AwsNames.PipelineArtifactFolder(pipelineName),
            ["SharedListenerArn"] = listener.ListenerArn,
            ["LoadBalancerSecurityGroupId"] = platform.LoadBalancerSecurityGroupId,
            ["ListenerPriority"] = listenerPriority.ToString(CultureInfo.InvariantCulture),
            ["HostDomain"] = AwsNames.DefaultHostDomain(order.CustomerSlug, host.Name, order.Environment.Kind, platform.BaseDomain),
            ["AmiId"] = amiId ?? order.Environment.AmiId ?? platform.DefaultAmiId,
            ["InstallCodeDeployAgent"] = Flag(amiId is null && order.Environment.AmiId is null),
            ["InstanceType"] = plan.InstanceType,
            ["MinInstances"] = minInstances.ToString(CultureInfo.InvariantCulture),
            ["MaxInstances"] = maxInstances.ToString(CultureInfo.InvariantCulture),
            // CloudFormation refuses a rolling update that keeps as many instances in service as the group may hold.
            ["RollingUpdateMinInService"] = Math.Max(0, Math.Min(minInstances, maxInstances - 1)).ToString(CultureInfo.InvariantCulture),
            ["HealthCheckPath"] = HealthCheckPath(host.HealthCheckPath),
            ["DatabaseEngine"] = DatabaseEngine(host.Database.Engine),
            ["DatabaseInstanceClass"] = host.Database.InstanceClass,
            // Without a database the order keeps no storage size (0), which the template's MinValue would refuse.
            ["DatabaseStorageGb"] = (DatabaseEngine(host.Database.Engine) == "none" ? MinDatabaseStorageGb : host.Database.AllocatedStorageGb)
                .ToString(CultureInfo.InvariantCulture),
            ["DatabaseMultiAz"] = Flag(host.Database.MultiAz),
            ["DatabaseDeletionProtection"] = Flag(purpose != StackPurpose.Decommission),
            ["DeploymentStyle"] = host.DeploymentStyle.ToString(),
            [CustomDomainParameter] = order.IsProduction ? host.Domain.CustomDomain?.Trim().ToLowerInvariant() ?? "" : "",
            [CertificateArnParameter] = order.IsProduction ? host.Domain.CertificateArn?.Trim() ?? "" : "",
            ["RequireApproval"] = Flag(order.RequiresApproval),
            ["PermissionsBoundaryArn"] = platform.PermissionsBoundaryArn,
            ["AccessLogBucketName"] = platform.AccessLogBucket,
            ["AvailabilityZones"] = string.Join(',', platform.AvailabilityZones),
            ["AvailabilityZoneCount"] = platform.AvailabilityZones.Count.ToString(CultureInfo.InvariantCulture),
            ["SharedLoadBalancerFullName"] = listener.LoadBalancerFullName(),
            ["HostedZoneId"] = platform.HostedZoneId?.Trim() ?? "",
            ["SharedLoadBalancerDnsName"] = listener.LoadBalancerDnsName?.Trim() ?? "",
            ["SharedLoadBalancerHostedZoneId"] = listener.LoadBalancerCanonicalHostedZoneId?.Trim() ?? "",
            ["DatabaseInstanceIdentifier"] = names.ResourceName,
            ["ReleaseDeployed"] = Flag(order.ReleaseDeployed),
            ["LiveColour"] = order.LiveColour == LiveColour.Green ? "green" : "blue",
            [LoadBalancerDeletionProtectionParameter] = Flag(purpose == StackPurpose.Provision),
        };
        AddZonalMinimums(parameters, minInstances, platform.AvailabilityZones.Count);
        AddApprovers(parameters, order);
        return Build(order, StackLayer.Software, purpose, TemplateCatalog.HostSoftware, parameters);
    }

    /// <summary>
    /// The step before an update that drops a production environment's custom domain: <paramref name="software"/> (rendered
    /// without the domain) still serving <paramref name="customDomain"/> with <paramref name="certificateArn"/>, as the live
    /// stack does, with the dedicated load balancer's deletion protection lifted. CloudFormation deletes a resource the
    /// template drops as it stands, and a protected load balancer refuses that (the update would still complete, leaving
    /// the load balancer behind), so the protection is lifted by an update of its own first.
    /// </summary>
    public static RenderedStack LiftDedicatedLoadBalancerProtection(RenderedStack software, string customDomain, string certificateArn)
    {
        if (software.Layer != StackLayer.Software) throw new ArgumentException("Only the software stack has a dedicated load balancer.", nameof(software));
        var kept = new Dictionary<string, string>
        {
            [CustomDomainParameter] = customDomain,
            [CertificateArnParameter] = certificateArn,
            [LoadBalancerDeletionProtectionParameter] = Flag(false),
        };
        return software with
        {
            Purpose = StackPurpose.DropCustomDomain,
            Parameters = software.Parameters.Select(p => kept.TryGetValue(p.Key, out var value) ? p with { Value = value } : p).ToList(),
        };
    }

    public RenderedPackerTemplate RenderPackerTemplate(HostEnvironmentOrder order)
    {
        order.Validate();
        var values = new Dictionary<string, string>
        {
            ["CUSTOMER"] = order.CustomerSlug,
            ["HOST"] = order.Host.Name,
            ["ENVIRONMENT"] = order.EnvironmentName,
            ["ENVIRONMENT_ID"] = order.Environment.Id.ToString(),
            ["RESOURCE_NAME"] = AwsNames.For(order).ResourceName,
            ["REGION"] = platform.Region,
            ["BUILD_INSTANCE_TYPE"] = platform.PackerBuildInstanceType,
            ["SOURCE_AMI"] = platform.DefaultAmiId,
            ["SSH_USERNAME"] = platform.PackerSshUsername,
            ["KMS_KEY_ARN"] = platform.KmsKeyArn,
        };
        var content = PackerPlaceholder().Replace(templates.GetBody(TemplateCatalog.PackerHostAmi), match =>
            values.TryGetValue(match.Groups[1].Value, out var value)
                ? value
                : throw new InvalidOperationException($"The Packer template uses unknown placeholder {match.Value}."));
        var key = ArtifactKeys.For(order).PackerTemplate;
        return new RenderedPackerTemplate(key[(key.LastIndexOf('/') + 1)..], key, content);
    }

    private RenderedStack Build(HostEnvironmentOrder order, StackLayer layer, StackPurpose purpose, string templateName, Dictionary<string, string> parameters)
    {
        order.Validate();
        parameters["CustomerSlug"] = order.CustomerSlug;
        parameters["HostName"] = order.Host.Name;
        parameters["EnvironmentName"] = order.EnvironmentName;
        parameters["ResourceName"] = AwsNames.For(order).ResourceName;
        parameters["EnvironmentId"] = order.Environment.Id.ToString();
        CheckAgainstTemplate(templateName, parameters);
        return new RenderedStack(
            order.StackName(layer),
            layer,
            purpose,
            templateName,
            templates.GetBody(templateName),
            parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new StackParameter(p.Key, p.Value)).ToList(),
            [
                new StackTag(RenderedStack.CustomerTag, order.CustomerSlug),
                new StackTag(RenderedStack.HostTag, order.Host.Name),
                new StackTag(RenderedStack.EnvironmentTag, order.EnvironmentName),
                new StackTag(RenderedStack.EnvironmentIdTag, order.Environment.Id.ToString()),
            ]);
    }

    /// <summary>The template and the renderer must agree on parameter names, or CloudFormation would refuse the call.</summary>
    private void CheckAgainstTemplate(string templateName, Dictionary<string, string> parameters)
    {
        var names = templates.Parameters(templateName);
        var undeclared = parameters.Keys.Where(k => !names.Declared.Contains(k)).ToList();
        var missing = names.Required.Where(k => !parameters.ContainsKey(k)).ToList();
        if (undeclared.Count > 0 || missing.Count > 0)
            throw new InvalidOperationException(
                $"{templateName}: parameters not declared by the template: [{string.Join(", ", undeclared)}]; required parameters not rendered: [{string.Join(", ", missing)}].");
    }

    /// <summary>
    /// Zonal deployments keep half the fleet, and all but one instance of each zone, healthy (CodeDeploy fails a
    /// deployment whose minimum is not below the instance count, and rounds percentages up, so counts are given).
    /// </summary>
    private static void AddZonalMinimums(Dictionary<string, string> parameters, int minInstances, int zones)
    {
        parameters["ZonalMinimumHealthyHosts"] = (minInstances / 2).ToString(CultureInfo.InvariantCulture);
        parameters["ZonalMinimumHealthyHostsPerZone"] = Math.Max(0, minInstances / Math.Max(1, zones) - 1).ToString(CultureInfo.InvariantCulture);
    }

    private static void AddApprovers(Dictionary<string, string> parameters, HostEnvironmentOrder order)
    {
        // Only environments whose releases wait for approval subscribe the approvers.
        var emails = order.RequiresApproval ? order.Host.ApproverEmails.Select(e => e.Trim()).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList() : [];
        if (emails.Count > MaxApprovers)
            throw new ArgumentException($"A host has at most {MaxApprovers} approvers (got {emails.Count}).");
        for (var i = 0; i < MaxApprovers; i++)
            parameters[$"ApproverEmail{i + 1}"] = i < emails.Count ? emails[i] : "";
    }

    private static string DatabaseEngine(string engine) => engine.Trim().ToLowerInvariant() switch
    {
        "none" or "" => "none",
        "postgres" or "postgresql" => "postgres",
        "mysql" => "mysql",
        _ => throw new ArgumentException($"Unsupported database engine '{engine}' (none, postgres or mysql)."),
    };

    private static string HealthCheckPath(string path) =>
        string.IsNullOrWhiteSpace(path) ? "/" : path.StartsWith('/') ? path.Trim() : "/" + path.Trim();

    private static string Flag(bool value) => value ? "true" : "false";

    [GeneratedRegex("__([A-Z][A-Z_]*[A-Z])__")]
    private static partial Regex PackerPlaceholder();

}

/// <summary>
/// Object keys of one host environment inside the artifact bucket. The sources' configured keys (source.zip) are only
/// the actions' defaults: every execution names its own object (one per release, one per baked commit) by sourceRevisions.
/// </summary>
public sealed record ArtifactKeys(string Prefix, string InfrastructureSource, string SoftwareSource, string PackerTemplate)
{
    public static ArtifactKeys For(HostEnvironmentOrder order)
    {
        var prefix = AwsNames.For(order).ArtifactPrefix;
        return new ArtifactKeys(
            prefix,
            $"{prefix}/infrastructure/source.zip",
            $"{prefix}/software/source.zip",
            $"{prefix}/packer/packer-{order.CustomerSlug}-{order.EnvironmentName}.pkr.hcl");
    }

    /// <summary>Where releases' sources go: "&lt;prefix&gt;/software/releases/&lt;release id&gt;.zip" (the software pipeline may read them).</summary>
    public string SoftwareReleases => $"{Prefix}/software/releases/";

    /// <summary>The infrastructure folder of one commit, as the AMI bake reads it.</summary>
    public string InfrastructureBake(string commitId) => $"{Prefix}/infrastructure/bakes/{commitId}.zip";
}
