using Portal.AwsEmulator.State;

namespace Portal.AwsEmulator.CloudFormation.Resources;

/// <summary>
/// Names CloudFormation generates for resources the template does not name: stack name, logical id and a random
/// suffix ("acme-web-dev-TargetGroup-1A2B3C4D5E6F"), cut to the type's limit.
/// </summary>
public static class PhysicalNames
{
    public static string Generate(ResourceRequest request, int maxLength = 255, bool lowercase = false, int suffixLength = 12)
    {
        var suffix = lowercase ? Ids.Lower(suffixLength) : Ids.Upper(suffixLength);
        var room = maxLength - suffix.Length - 2;
        var stack = request.StackName;
        var logical = request.LogicalId;
        if (stack.Length + logical.Length > room)
        {
            var stackRoom = Math.Max(1, Math.Min(stack.Length, room / 2));
            var logicalRoom = Math.Max(1, room - stackRoom);
            stack = stack[..Math.Min(stack.Length, stackRoom)];
            logical = logical[..Math.Min(logical.Length, logicalRoom)];
        }
        var name = $"{stack}-{logical}-{suffix}";
        return lowercase ? name.ToLowerInvariant() : name;
    }

    /// <summary>The name from the template when it gives one, otherwise a generated one.</summary>
    public static string Given(ResourceRequest request, string? property, int maxLength = 255, bool lowercase = false) =>
        property is not null && request.Text(property) is { Length: > 0 } name ? name : Generate(request, maxLength, lowercase);
}
