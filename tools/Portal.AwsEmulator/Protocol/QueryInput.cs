using System.Globalization;

namespace Portal.AwsEmulator.Protocol;

/// <summary>
/// A view on the flattened form fields of a Query protocol request, e.g. "Parameters.member.1.ParameterKey".
/// Lists are "Name.member.N"; an empty list arrives as "Name=" (the JS SDK sends those). The operations the emulator
/// answers take no maps.
/// </summary>
public sealed class QueryInput
{
    public static readonly QueryInput Empty = new(new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> fields;
    private readonly string prefix;

    public QueryInput(IReadOnlyDictionary<string, string> fields, string prefix = "")
    {
        this.fields = fields;
        this.prefix = prefix;
    }

    private string Key(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public string? String(string name) => fields.TryGetValue(Key(name), out var value) ? value : null;

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw AwsServiceException.Validation(AwsServiceException.MissingMemberMessage(name));

    public int? Int(string name)
    {
        var text = String(name);
        if (string.IsNullOrEmpty(text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw AwsServiceException.Validation($"1 validation error detected: Value '{text}' at '{Camel(name)}' failed to satisfy constraint: Member must be a number");
    }

    public bool? Bool(string name) => String(name) switch
    {
        null or "" => null,
        var text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var text => throw AwsServiceException.Validation($"1 validation error detected: Value '{text}' at '{Camel(name)}' failed to satisfy constraint: Member must be a boolean"),
    };

    /// <summary>True when the member was sent at all (a value, an empty list, or nested fields).</summary>
    public bool Has(string name)
    {
        var key = Key(name);
        return fields.ContainsKey(key) || fields.Keys.Any(k => k.StartsWith(key + ".", StringComparison.Ordinal));
    }

    /// <summary>A list of structures: one view per "Name.member.N", in N order.</summary>
    public IReadOnlyList<QueryInput> Members(string name) =>
        Indices(Key(name) + ".member.").Select(i => new QueryInput(fields, $"{Key(name)}.member.{i}")).ToList();

    /// <summary>A list of strings: "Name.member.N" in N order.</summary>
    public IReadOnlyList<string> Strings(string name) =>
        Indices(Key(name) + ".member.").Select(i => fields.TryGetValue($"{Key(name)}.member.{i}", out var v) ? v : "").ToList();

    private IEnumerable<int> Indices(string listPrefix) => fields.Keys
        .Where(k => k.StartsWith(listPrefix, StringComparison.Ordinal))
        .Select(k =>
        {
            var rest = k[listPrefix.Length..];
            var dot = rest.IndexOf('.');
            return int.TryParse(dot < 0 ? rest : rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
        })
        .Where(i => i > 0)
        .Distinct()
        .Order();

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
