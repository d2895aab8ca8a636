using System.Text.RegularExpressions;
using Portal.AwsEmulator.CloudFormation.Stacks;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>The template, parameters, tags and capabilities of a CreateStack, UpdateStack or CreateChangeSet request.</summary>
public sealed partial record StackInput(
    string? TemplateBody,
    bool UsePreviousTemplate,
    IReadOnlyList<ParameterInput> Parameters,
    IReadOnlyList<StackTag>? Tags,
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<string>? NotificationArns)
{
    private static readonly HashSet<string> KnownCapabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"];

    public static StackInput Read(QueryInput input)
    {
        if (input.String("TemplateURL") is { Length: > 0 })
            throw AwsServiceException.Validation("TemplateURL is not supported by the emulator; send the template as TemplateBody.");
        var capabilities = input.Strings("Capabilities");
        if (capabilities.FirstOrDefault(c => !KnownCapabilities.Contains(c)) is { } unknown)
            throw AwsServiceException.Validation($"1 validation error detected: Value '[{unknown}]' at 'capabilities' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]]");
        return new StackInput(
            input.String("TemplateBody"),
            input.Bool("UsePreviousTemplate") ?? false,
            input.Members("Parameters").Select(p => new ParameterInput(p.Required("ParameterKey"), p.String("ParameterValue"), p.Bool("UsePreviousValue") ?? false)).ToList(),
            input.Has("Tags") ? input.Members("Tags").Select(t => new StackTag(t.Required("Key"), t.String("Value") ?? "")).ToList() : null,
            capabilities,
            input.Has("NotificationARNs") ? input.Strings("NotificationARNs") : null);
    }

    /// <summary>The body to deploy: the one sent, or the stack's own with UsePreviousTemplate.</summary>
    public string Body(StackRecord? previous)
    {
        if (UsePreviousTemplate && TemplateBody is not null)
            throw AwsServiceException.Validation("Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate.");
        if (UsePreviousTemplate)
            return previous?.TemplateBody ?? throw AwsServiceException.Validation("UsePreviousTemplate requires an existing stack.");
        return TemplateBody ?? throw AwsServiceException.Validation("Either Template URL or Template Body must be specified.");
    }

    /// <summary>CloudFormation's stack name rule (also used for change set names).</summary>
    public static void CheckName(string name, string member)
    {
        if (name.Length > 128 || !NamePattern().IsMatch(name))
            throw AwsServiceException.Validation(
                $"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
    }

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]*$")]
    private static partial Regex NamePattern();
}
