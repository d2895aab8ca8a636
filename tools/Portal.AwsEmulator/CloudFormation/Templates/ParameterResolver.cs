using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>A parameter as the caller sent it: a value, or UsePreviousValue on update.</summary>
public sealed record ParameterInput(string Key, string? Value, bool UsePreviousValue = false);

/// <summary>
/// Matches the caller's parameters with the template's declarations (defaults, previous values) and checks every
/// constraint, answering ValidationError with CloudFormation's wording.
/// </summary>
public static class ParameterResolver
{
    public static IReadOnlyDictionary<string, string> Resolve(
        Template template, IReadOnlyList<ParameterInput> given, IReadOnlyDictionary<string, string>? previous = null)
    {
        var undeclared = given.Select(p => p.Key).Where(k => !template.Parameters.ContainsKey(k)).Distinct().ToList();
        if (undeclared.Count > 0)
            throw AwsServiceException.Validation($"Parameters: [{string.Join(", ", undeclared)}] do not exist in the template");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var declaration in template.Parameters.Values)
        {
            var input = given.LastOrDefault(p => p.Key == declaration.Name);
            if (input is { UsePreviousValue: true })
            {
                if (previous is null || !previous.TryGetValue(declaration.Name, out var old))
                    throw AwsServiceException.Validation($"Invalid input for parameter key {declaration.Name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template");
                values[declaration.Name] = old;
            }
            else if (input?.Value is { } value)
                values[declaration.Name] = value;
            else if (declaration.Default is { } fallback)
                values[declaration.Name] = fallback;
            else
                missing.Add(declaration.Name);
        }
        if (missing.Count > 0)
            throw AwsServiceException.Validation($"Parameters: [{string.Join(", ", missing)}] must have values");

        foreach (var declaration in template.Parameters.Values)
            Check(declaration, values[declaration.Name]);
        return values;
    }

    /// <summary>What Ref returns for a parameter: a string, or a list for list types.</summary>
    public static JsonNode RefValue(ParameterDeclaration declaration, string value) => declaration.IsList
        ? new JsonArray(Elements(value).Select(e => (JsonNode?)JsonValue.Create(e)).ToArray())
        : JsonValue.Create(value);

    private static IReadOnlyList<string> Elements(string value) => value.Split(',').Select(e => e.Trim()).ToList();

    private static void Check(ParameterDeclaration p, string value)
    {
        var elements = p.IsList ? Elements(value) : [value];
        if (p.MinLength is { } min && value.Length < min)
            throw Violation(p, $"must contain at least {min} characters");
        if (p.MaxLength is { } max && value.Length > max)
            throw Violation(p, $"must contain at most {max} characters");
        foreach (var element in elements)
            CheckElement(p, element);
    }

    private static void CheckElement(ParameterDeclaration p, string element)
    {
        if (p.ElementType == "Number")
        {
            if (!decimal.TryParse(element, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw AwsServiceException.Validation($"Parameter '{p.Name}' must be a number");
            if (p.MinValue is { } min && number < min)
                throw Violation(p, $"must be a number not less than {min.ToString(CultureInfo.InvariantCulture)}");
            if (p.MaxValue is { } max && number > max)
                throw Violation(p, $"must be a number not greater than {max.ToString(CultureInfo.InvariantCulture)}");
        }
        if (p.AllowedValues is { } allowed && !allowed.Contains(element, StringComparer.Ordinal))
            throw Violation(p, "must be one of AllowedValues");
        if (p.AllowedPattern is { } pattern && !Regex.IsMatch(element, $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            throw Violation(p, $"must match pattern {pattern}");
        if (!AwsParameterTypes.HasForm(p.ElementType, element))
            throw AwsServiceException.Validation($"Parameter validation failed: parameter value {element} for parameter name {p.Name} does not exist. Rollback requested by user.");
    }

    /// <summary>A ConstraintDescription replaces CloudFormation's own wording of the broken constraint.</summary>
    private static AwsServiceException Violation(ParameterDeclaration p, string constraint) => AwsServiceException.Validation(
        p.ConstraintDescription is { } description
            ? $"Parameter '{p.Name}' failed to satisfy constraint: {description}"
            : $"Parameter '{p.Name}' {constraint}");
}
