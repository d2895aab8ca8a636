using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Portal.Web.Api;

/// <summary>JSON conventions of the REST API, its OpenAPI document and the interactive reference.</summary>
public static class ApiSetup
{
    public const string OpenApiDocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-reference";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        // States travel as their names ("Active"), not numbers.
        services.Configure<JsonOptions>(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // A body that is not JSON of the right shape gets a 400 problem, in Development too.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Portal API",
                Version = "v1",
                Description = "Order and follow your hosts. Authenticate with a personal API token (Account → API tokens) " +
                              "sent as 'Authorization: Bearer <token>', or with the browser's sign-in cookie. Errors are RFC 9457 problem details.",
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
        }));
        return services;
    }

    public static WebApplication MapPortalApiDocuments(this WebApplication app)
    {
        app.MapOpenApi(OpenApiDocumentPath.Replace("v1", "{documentName}"));
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("Portal API")
            .WithOpenApiRoutePattern(OpenApiDocumentPath.Replace("v1", "{documentName}")));
        return app;
    }
}
