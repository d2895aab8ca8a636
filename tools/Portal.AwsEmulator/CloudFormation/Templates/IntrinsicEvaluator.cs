using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Protocol;

namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>
/// Evaluates intrinsic functions (Ref, Fn::GetAtt, Fn::Sub, Fn::If…) in a template value. AWS::NoValue removes the
/// object member or list item it stands in; a value that is NoValue as a whole evaluates to <see cref="NoValue"/>.
/// Errors are ValidationError with CloudFormation's "Template error" wording.
/// </summary>
public sealed class IntrinsicEvaluator(EvaluationScope scope)
{
    /// <summary>Stands for AWS::NoValue; compared by reference.</summary>
    public static readonly JsonNode NoValue = JsonValue.Create("{AWS::NoValue}");

    public static bool IsNoValue(JsonNode? node) => ReferenceEquals(node, NoValue);

    public JsonNode? Evaluate(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when IntrinsicName(obj) is { } name:
                return Function(name, obj[name]);
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    var evaluated = Evaluate(value);
                    if (!IsNoValue(evaluated)) result[key] = evaluated;
                }
                return result;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    var evaluated = Evaluate(item);
                    if (!IsNoValue(evaluated)) items.Add(evaluated);
                }
                return items;
            default:
                return node?.DeepClone();
        }
    }

    public bool EvaluateCondition(JsonNode? node) => node switch
    {
        JsonObject obj when obj.Count == 1 && obj.ContainsKey("Condition") => scope.Condition(Text(obj["Condition"], "Condition")),
        JsonObject obj when IntrinsicName(obj) is "Fn::Equals" or "Fn::And" or "Fn::Or" or "Fn::Not" => Bool(Function(IntrinsicName(obj)!, obj[IntrinsicName(obj)!])),
        _ => Bool(Evaluate(node)),
    };

    /// <summary>The function an object stands for: a single member named Ref, Condition or Fn::….</summary>
    public static string? IntrinsicName(JsonObject obj)
    {
        if (obj.Count != 1) return null;
        var key = obj.First().Key;
        return key is "Ref" or "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal) ? key : null;
    }

    private JsonNode? Function(string name, JsonNode? argument) => name switch
    {
        "Ref" => Ref(Text(argument, name)),
        "Condition" => JsonValue.Create(scope.Condition(Text(argument, name))),
        "Fn::GetAtt" => GetAtt(argument),
        "Fn::Sub" => Sub(argument),
        "Fn::Join" => Join(Arguments(argument, name, 2)),
        "Fn::Select" => Select(Arguments(argument, name, 2)),
        "Fn::Split" => Split(Arguments(argument, name, 2)),
        "Fn::If" => If(Arguments(argument, name, 3, evaluate: false)),
        "Fn::Equals" => Equals(Arguments(argument, name, 2)),
        "Fn::Not" => JsonValue.Create(!EvaluateCondition(Arguments(argument, name, 1, evaluate: false)[0])),
        "Fn::And" => JsonValue.Create(Conditions(argument, name).All(EvaluateCondition)),
        "Fn::Or" => JsonValue.Create(Conditions(argument, name).Any(EvaluateCondition)),
        "Fn::FindInMap" => FindInMap(Arguments(argument, name, 3)),
        "Fn::Base64" => JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(Text(Evaluate(argument), name)))),
        "Fn::Cidr" => Cidr(Arguments(argument, name, 3)),
        "Fn::GetAZs" => GetAzs(Text(Evaluate(argument) ?? JsonValue.Create(""), name)),
        "Fn::ImportValue" => ImportValue(Text(Evaluate(argument), name)),
        _ => throw Error($"Unsupported function {name}"),
    };

    private JsonNode? Ref(string name)
    {
        if (name == "AWS::NoValue") return NoValue;
        if (StackIdentity.IsPseudo(name)) return scope.Stack.Pseudo(name);
        if (scope.Template.Parameters.TryGetValue(name, out var parameter))
            return ParameterResolver.RefValue(parameter, scope.Parameters[name]);
        if (!scope.Template.Resources.ContainsKey(name))
            throw Template.Format($"Unresolved resource dependencies [{name}] in the Resources block of the template");
        if (scope.Resources is null)
            throw Template.Format($"Unresolved dependencies [{name}]. Cannot reference resources in the Conditions block of the template");
        return scope.Resources.Ref(name)?.DeepClone() ?? throw Error($"Resource {name} has no physical id yet");
    }

    private JsonNode GetAtt(JsonNode? argument)
    {
        var (logicalId, attribute) = argument switch
        {
            JsonArray { Count: 2 } pair => (Text(pair[0], "Fn::GetAtt"), Text(Evaluate(pair[1]), "Fn::GetAtt")),
            JsonValue dotted when TemplateText.AsString(dotted) is { } text && text.Contains('.') => (text[..text.IndexOf('.')], text[(text.IndexOf('.') + 1)..]),
            _ => throw Error("Fn::GetAtt requires a resource name and an attribute name"),
        };
        return ResourceAttribute(logicalId, attribute, "Fn::GetAtt");
    }

    private JsonNode ResourceAttribute(string logicalId, string attribute, string function)
    {
        if (!scope.Template.Resources.ContainsKey(logicalId))
            throw Error($"instance of {function} references undefined resource {logicalId}");
        if (scope.Resources is null)
            throw Template.Format($"Unresolved dependencies [{logicalId}]. Cannot reference resources in the Conditions block of the template");
        return scope.Resources.GetAtt(logicalId, attribute)?.DeepClone()
            ?? throw Error($"resource {logicalId} does not support attribute type {attribute} in {function}");
    }

    private JsonNode Sub(JsonNode? argument)
    {
        var (text, variables) = argument switch
        {
            JsonArray { Count: 2 } pair => (Text(pair[0], "Fn::Sub"), pair[1] as JsonObject ?? throw Error("Fn::Sub variables must be an object")),
            _ => (Text(argument, "Fn::Sub"), new JsonObject()),
        };
        var output = new StringBuilder();
        foreach (var part in SubstitutionParser.Parse(text))
        {
            if (part.Variable is not { } variable)
            {
                output.Append(part.Literal);
                continue;
            }
            JsonNode? value;
            if (variables.TryGetPropertyValue(variable, out var mapped))
                value = Evaluate(mapped);
            else if (scope.Template.Parameters.ContainsKey(variable) || StackIdentity.IsPseudo(variable) || !variable.Contains('.'))
                value = Ref(variable);
            else
                value = ResourceAttribute(variable[..variable.IndexOf('.')], variable[(variable.IndexOf('.') + 1)..], "Fn::Sub");
            if (value is JsonArray)
                throw Error($"Fn::Sub: the variable {variable} is a list; only strings can be substituted");
            output.Append(Text(value, "Fn::Sub"));
        }
        return JsonValue.Create(output.ToString());
    }

    private JsonNode Join(JsonArray args)
    {
        var delimiter = Text(args[0], "Fn::Join");
        var list = args[1] as JsonArray ?? throw Error("Fn::Join requires a list of values to join");
        return JsonValue.Create(string.Join(delimiter, list.Select(item => Text(item, "Fn::Join"))));
    }

    private JsonNode? Select(JsonArray args)
    {
        var indexText = Text(args[0], "Fn::Select");
        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            throw Error($"Fn::Select index {indexText} is not a number");
        var list = args[1] as JsonArray ?? throw Error("Fn::Select requires a list to select from");
        if (index >= list.Count)
            throw Error($"Fn::Select  cannot select nonexistent value at index {index}");
        return list[index]?.DeepClone();
    }

    private JsonNode Split(JsonArray args)
    {
        var delimiter = Text(args[0], "Fn::Split");
        var source = Text(args[1], "Fn::Split");
        return new JsonArray(source.Split(delimiter).Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
    }

    private JsonNode? If(JsonArray args) =>
        Evaluate(scope.Condition(Text(args[0], "Fn::If")) ? args[1] : args[2]);

    private static JsonNode Equals(JsonArray args) => JsonValue.Create(TemplateText.SameValue(args[0], args[1]));

    private JsonNode? FindInMap(JsonArray args)
    {
        var (map, top, second) = (Text(args[0], "Fn::FindInMap"), Text(args[1], "Fn::FindInMap"), Text(args[2], "Fn::FindInMap"));
        var value = (((scope.Template.Mappings[map] as JsonObject)?[top]) as JsonObject)?[second];
        return value?.DeepClone() ?? throw Error($"Unable to get mapping for {map}::{top}::{second}");
    }

    private JsonNode Cidr(JsonArray args)
    {
        var block = Text(args[0], "Fn::Cidr");
        if (!int.TryParse(Text(args[1], "Fn::Cidr"), CultureInfo.InvariantCulture, out var count) || count is < 1 or > 256
            || !int.TryParse(Text(args[2], "Fn::Cidr"), CultureInfo.InvariantCulture, out var hostBits))
            throw Error("Fn::Cidr requires a count from 1 to 256 and a number of host bits");
        var slash = block.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(block[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(block[(slash + 1)..], CultureInfo.InvariantCulture, out var prefix) || prefix is < 0 or > 32)
            throw Error($"Fn::Cidr: {block} is not an IPv4 CIDR block");
        var subnetPrefix = 32 - hostBits;
        if (hostBits is < 0 or > 32 || subnetPrefix < prefix || (long)count << hostBits > 1L << (32 - prefix))
            throw Error($"Fn::Cidr: {block} cannot hold {count} subnets of {hostBits} host bits");
        var bytes = address.GetAddressBytes();
        var network = ((uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3]) & (prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
        var subnets = Enumerable.Range(0, count).Select(i =>
        {
            var start = network + ((uint)i << hostBits);
            return (JsonNode?)JsonValue.Create($"{start >> 24}.{(start >> 16) & 255}.{(start >> 8) & 255}.{start & 255}/{subnetPrefix}");
        });
        return new JsonArray(subnets.ToArray());
    }

    private static readonly string[] ZoneSuffixes = ["a", "b", "c"];

    private JsonNode GetAzs(string region)
    {
        var name = region.Length == 0 ? scope.Stack.Region : region;
        return new JsonArray(ZoneSuffixes.Select(zone => (JsonNode?)JsonValue.Create(name + zone)).ToArray());
    }

    private JsonNode ImportValue(string exportName) =>
        JsonValue.Create(scope.Exports(exportName) ?? throw AwsServiceException.Validation($"No export named {exportName} found"));

    private static IEnumerable<JsonNode?> Conditions(JsonNode? argument, string name) =>
        argument is JsonArray { Count: >= 1 and <= 10 } list ? list : throw Error($"{name} requires a list of 1 to 10 conditions");

    private JsonArray Arguments(JsonNode? argument, string name, int count, bool evaluate = true)
    {
        var evaluated = evaluate ? Evaluate(argument) : argument;
        return evaluated is JsonArray list && list.Count == count ? list : throw Error($"{name} requires a list of {count} arguments");
    }

    private static bool Bool(JsonNode? node) => node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
        ? value.GetValue<bool>()
        : TemplateText.AsString(node) switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error("Conditions must evaluate to true or false"),
        };

    private string Text(JsonNode? node, string function)
    {
        var evaluated = node is JsonObject ? Evaluate(node) : node;
        return TemplateText.AsString(evaluated) ?? throw Error($"{function}: expected a string, got {evaluated?.ToJsonString() ?? "null"}");
    }

    private static AwsServiceException Error(string message) => AwsServiceException.Validation("Template error: " + message);
}
