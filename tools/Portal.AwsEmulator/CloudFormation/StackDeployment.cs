using Portal.AwsEmulator.CloudFormation.Resources;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Protocol;
using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>A template with its parameters, checked and evaluated for one stack: what an operation deploys.</summary>
public sealed record StackDeployment(string TemplateBody, Template Template, StackBlueprint Blueprint, List<StackParameterValue> Parameters)
{
    public static StackDeployment Prepare(RegionState region, string body, IReadOnlyList<ParameterInput> parameters, IReadOnlyList<string> capabilities,
        StackIdentity identity, IReadOnlyDictionary<string, string>? previousParameters = null)
    {
        var template = Template.Parse(body);
        var values = ParameterResolver.Resolve(template, parameters, previousParameters);
        RequireCapabilities(template, capabilities);
        var blueprint = StackBlueprint.Build(template, values, identity, region.Stacks.Export);
        var list = template.Parameters.Values.Select(p => new StackParameterValue(p.Name, values[p.Name], p.NoEcho)).ToList();
        return new StackDeployment(body, template, blueprint, list);
    }

    /// <summary>CAPABILITY_IAM for IAM resources, CAPABILITY_NAMED_IAM when one of them is named.</summary>
    public static string? RequiredCapability(Template template)
    {
        var iam = template.Resources.Values.Where(r => ResourceCatalog.For(r.Type).Kind.IsIam).ToList();
        if (iam.Count == 0) return null;
        return iam.Any(r => ResourceCatalog.For(r.Type).Kind.NameProperty is { } name && r.Properties.ContainsKey(name)) ? "CAPABILITY_NAMED_IAM" : "CAPABILITY_IAM";
    }

    public static IReadOnlyList<string> IamResourceTypes(Template template) =>
        template.Resources.Values.Select(r => r.Type).Where(t => ResourceCatalog.For(t).Kind.IsIam).Distinct().ToList();

    private static void RequireCapabilities(Template template, IReadOnlyList<string> given)
    {
        var required = RequiredCapability(template);
        if (required is null || given.Contains("CAPABILITY_NAMED_IAM") || (required == "CAPABILITY_IAM" && given.Contains("CAPABILITY_IAM")))
            return;
        throw new AwsServiceException("InsufficientCapabilitiesException", $"Requires capabilities : [{required}]");
    }

    /// <summary>Same template (parsed, so comments and layout do not count), parameters and tags: AWS's "no updates".</summary>
    public bool ChangesNothing(StackRecord stack, IReadOnlyList<StackTag> tags)
    {
        var current = TemplateReader.Read(stack.TemplateBody);
        return TemplateText.SameValue(current, Template.Root)
            && stack.Parameters.Select(p => (p.Key, p.Value)).SequenceEqual(Parameters.Select(p => (p.Key, p.Value)))
            && stack.Tags.SequenceEqual(tags);
    }
}
