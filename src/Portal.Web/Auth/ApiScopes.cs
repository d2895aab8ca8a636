using System.Security.Claims;
using Portal.Web.People;

namespace Portal.Web.Auth;

/// <summary>
/// What an API token may do: read (GET), write (changes) and operations (the operators' routes). Cookies (a signed-in
/// person) carry no scope and are not limited by them. The one place for the rule.
/// </summary>
public static class ApiScopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Operations = "operations";

    public static readonly IReadOnlyList<string> All = [Read, Write, Operations];

    public static IReadOnlyList<string> AllowedFor(bool isOperator) => isOperator ? All : [Read, Write];

    public static IReadOnlyList<string> Parse(string scopes) => scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Why a token with these scopes and this lifetime may not be created for the owner, or null.</summary>
    public static (string Field, string Message)? Check(IReadOnlyCollection<string>? scopes, int? lifetimeDays, bool isOperator, AccountOptions options)
    {
        if (scopes is not null && scopes.FirstOrDefault(s => !All.Contains(s)) is { } unknown)
            return ("scopes", $"'{unknown}' is not a scope; use {string.Join(", ", All)}.");
        if (scopes is not null && !isOperator && scopes.Contains(Operations))
            return ("scopes", "Only operators' tokens may have the operations scope.");
        if (lifetimeDays is { } days && (days < 1 || TimeSpan.FromDays(days) > options.ApiTokenMaxLifetime))
            return ("expiresInDays", $"A token lives between 1 and {options.ApiTokenMaxLifetime.TotalDays:0} days.");
        return null;
    }

    /// <summary>True when the request came with an API token (its scopes are claims), false for a signed-in browser.</summary>
    public static bool IsToken(ClaimsPrincipal user) => user.HasClaim(c => c.Type == PortalClaims.Scope);

    /// <summary>The scope a request needs: operations for the operators' routes, else read for reads and write for changes.</summary>
    public static string RequiredFor(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<OperationsScopeMetadata>() is not null ? Operations
        : HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? Read
        : Write;

    /// <summary>Refuses (403) a token request whose token lacks the scope the route needs.</summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        if (!IsToken(user)) return await next(context);
        var needed = RequiredFor(context.HttpContext);
        if (user.HasClaim(PortalClaims.Scope, needed)) return await next(context);
        return TypedResults.Problem($"This API token lacks the '{needed}' scope this request needs.", statusCode: StatusCodes.Status403Forbidden,
            title: "Insufficient scope");
    }
}

/// <summary>Marks the operators' routes, which tokens reach only with the operations scope.</summary>
public sealed class OperationsScopeMetadata;
