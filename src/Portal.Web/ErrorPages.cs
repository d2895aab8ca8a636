using Portal.Web.Api;

namespace Portal.Web;

/// <summary>
/// What a failed request gets: the API and the webhook answer RFC 9457 problem details (an exception too, outside
/// Development); a page request gets the portal's own error page, and an empty 4xx the status page.
/// </summary>
public static class ErrorPages
{
    public const string ErrorPath = "/error";
    public const string StatusPathFormat = "/status/{0}";

    public static void UsePortalErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseWhen(IsApi, api => api.UseExceptionHandler());
            app.UseWhen(IsPage, pages => pages.UseExceptionHandler(ErrorPath, createScopeForErrors: true));
        }
        app.UseWhen(IsApi, api => api.UseStatusCodePages(async context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            await ApiProblems.WriteAsync(context.HttpContext, status, ReasonPhrase(status), "See the API reference.");
        }));
        // Only GETs are re-executed: a page endpoint answers GET, and a failed form post keeps its own status.
        app.UseWhen(context => IsPage(context) && HttpMethods.IsGet(context.Request.Method),
            pages => pages.UseStatusCodePagesWithReExecute(StatusPathFormat, createScopeForStatusCodePages: true));
    }

    private static bool IsApi(HttpContext context) => ApiProblems.IsApiRequest(context.Request);

    private static bool IsPage(HttpContext context) => !IsApi(context);

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
