using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Portal.Web.Edge;
using Scalar.AspNetCore;

namespace Portal.Web.Api;

/// <summary>JSON conventions of the REST API, its OpenAPI document and the interactive reference.</summary>
public static class ApiSetup
{
    public const string OpenApiDocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-reference";
    private const string OpenApiRoutePattern = "/openapi/{documentName}.json";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        // States travel as their names ("Active"), not numbers.
        services.Configure<JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A body that is not JSON of the right shape gets a 400 problem, in Development too.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddOpenApi(options =>
        {
            // The REST API only; the sign-out form post is for browsers.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Portal API",
                    Version = "v1",
                    Description = "Order and follow your hosts. Authenticate with a personal API token (Account → API tokens) " +
                                  "sent as 'Authorization: Bearer <token>', or with the browser's sign-in cookie. " +
                                  "Errors are RFC 9457 problem details. Host routes are for customers: operators get 403 there, " +
                                  "and another customer's host answers 404 like a missing one.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal API token (pat_…).",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>The OpenAPI document and the reference: for everyone, for signed-in people only, or not at all.</summary>
    public static WebApplication MapPortalApiDocuments(this WebApplication app, ApiReferenceAccess access)
    {
        if (access == ApiReferenceAccess.Off) return app;
        var document = app.MapOpenApi(OpenApiRoutePattern);
        // The portal may run without internet access: no web fonts from Scalar's CDN. Its inline script carries the
        // request's Content-Security-Policy nonce.
        var reference = app.MapScalarApiReference(ReferencePath, (options, http) => options
            .WithTitle("Portal API")
            .DisableDefaultFonts()
            .WithNonce(SecurityHeaders.NonceOf(http))
            .WithOpenApiRoutePattern(OpenApiRoutePattern));
        if (access == ApiReferenceAccess.SignedIn)
        {
            document.RequireAuthorization();
            reference.RequireAuthorization();
        }
        return app;
    }
}
