using System.Globalization;
using System.Text;

namespace Portal.Aws.Protocol;

/// <summary>
/// The form body of an AWS Query protocol request (CloudFormation, ELBv2): Action and Version, then flattened
/// parameters. Lists are "Name.member.N" (1-based), maps "Name.entry.N.key"/"Name.entry.N.value", structures
/// "Name.Field". A null value or list is left out; an empty list is sent as "Name=" (how AWS documents an explicit
/// empty list, e.g. ModifyRule's Conditions). Values are percent-encoded per RFC 3986.
/// </summary>
public sealed class QueryForm
{
    private readonly List<KeyValuePair<string, string>> fields = [];

    public QueryForm(string action, string version)
    {
        Action = action;
        fields.Add(new("Action", action));
        fields.Add(new("Version", version));
    }

    public string Action { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    public QueryForm Add(string name, string? value)
    {
        if (value is not null) fields.Add(new(name, value));
        return this;
    }

    public QueryForm Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryForm Add(string name, bool? value) => Add(name, value is null ? null : value.Value ? "true" : "false");

    /// <summary>A list of structures: <paramref name="write"/> adds each item's fields under the prefix "Name.member.N".</summary>
    public QueryForm AddList<T>(string name, IReadOnlyList<T>? items, Action<QueryForm, string, T> write)
    {
        if (items is null) return this;
        if (items.Count == 0) return Add(name, "");
        for (var i = 0; i < items.Count; i++)
            write(this, $"{name}.member.{i + 1}", items[i]);
        return this;
    }

    public QueryForm AddList(string name, IReadOnlyList<string>? items) =>
        AddList(name, items, (form, prefix, item) => form.Add(prefix, item));

    /// <summary>A map as "Name.entry.N.key" and "Name.entry.N.value", in key order.</summary>
    public QueryForm AddMap(string name, IReadOnlyDictionary<string, string>? map)
    {
        if (map is null) return this;
        if (map.Count == 0) return Add(name, "");
        var n = 0;
        foreach (var (key, value) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            n++;
            Add($"{name}.entry.{n}.key", key);
            Add($"{name}.entry.{n}.value", value);
        }
        return this;
    }

    /// <summary>The list, or null when it is empty: for request fields where "no items" means "leave it as it is".</summary>
    public static IReadOnlyList<T>? NonEmpty<T>(IReadOnlyList<T>? items) => items is { Count: > 0 } ? items : null;

    public string ToBody()
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (builder.Length > 0) builder.Append('&');
            builder.Append(SigV4Signer.UriEncode(name)).Append('=').Append(SigV4Signer.UriEncode(value));
        }
        return builder.ToString();
    }
}
