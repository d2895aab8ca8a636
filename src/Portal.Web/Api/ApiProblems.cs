using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;

namespace Portal.Web.Api;

/// <summary>Writes RFC 9457 problem details for answers produced outside endpoints (authentication challenges).</summary>
public static class ApiProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    public static bool IsApiRequest(HttpRequest request) => request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hooks");
}

/// <summary>The problem answering a refused <see cref="ActionResult"/>; null when the action was done.</summary>
public static class ActionProblems
{
    public static ProblemHttpResult? Of(ActionResult result, string title) => result.Outcome switch
    {
        ActionOutcome.Done => null,
        ActionOutcome.Invalid => TypedResults.Problem(new HttpValidationProblemDetails(
            new Dictionary<string, string[]> { [result.Field ?? "request"] = [result.Message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = result.Message,
        }),
        _ => TypedResults.Problem(result.Message, statusCode: StatusOf(result.Outcome), title: title),
    };

    public static int StatusOf(ActionOutcome outcome) => outcome switch
    {
        ActionOutcome.Done => StatusCodes.Status200OK,
        ActionOutcome.NotFound => StatusCodes.Status404NotFound,
        ActionOutcome.Conflict => StatusCodes.Status409Conflict,
        ActionOutcome.Invalid => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status503ServiceUnavailable,
    };
}
