using System.Xml.Linq;
using Portal.AwsEmulator.CloudFormation.Templates;
using Portal.AwsEmulator.Protocol;
using static Portal.AwsEmulator.Protocol.QueryXml;

namespace Portal.AwsEmulator.CloudFormation;

/// <summary>ValidateTemplate: the template's checks, its parameters, and the capabilities it needs.</summary>
public static class TemplateValidation
{
    public static IEnumerable<XElement> Validate(QueryInput input)
    {
        if (input.String("TemplateURL") is { Length: > 0 })
            throw AwsServiceException.Validation("TemplateURL is not supported by the emulator; send the template as TemplateBody.");
        var template = Template.Parse(input.String("TemplateBody") ?? throw AwsServiceException.Validation("Either Template URL or Template Body must be specified."));
        var capability = StackDeployment.RequiredCapability(template);
        return new XElement?[]
        {
            Members("Parameters", template.Parameters.Values.Select(p => new[]
            {
                new XElement("ParameterKey", p.Name), Optional("DefaultValue", p.Default), Element("NoEcho", p.NoEcho), Optional("Description", p.Description),
            })),
            Optional("Description", template.Description),
            Strings("Capabilities", capability is null ? [] : [capability]),
            Optional("CapabilitiesReason", capability is null ? null
                : $"The following resource(s) require capabilities: [{string.Join(", ", StackDeployment.IamResourceTypes(template))}]"),
            Strings("DeclaredTransforms", []),
        }.OfType<XElement>();
    }
}
