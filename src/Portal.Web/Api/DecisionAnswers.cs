using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Releases.Approvals;

namespace Portal.Web.Api;

/// <summary>The HTTP answer to an approval decision, the operators' and the customer approvers' routes alike.</summary>
internal static class DecisionAnswers
{
    public static IResult Of(DecisionResult result) => result.Outcome switch
    {
        DecisionOutcome.Recorded or DecisionOutcome.Approved or DecisionOutcome.Rejected => TypedResults.Ok(DecisionResponse.From(result)),
        DecisionOutcome.Invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["comment"] = [result.Message] }, title: "The decision needs a comment."),
        DecisionOutcome.NotFound => Problem(result, StatusCodes.Status404NotFound, "Not found"),
        DecisionOutcome.OwnPush => Problem(result, StatusCodes.Status403Forbidden, "You pushed this commit"),
        DecisionOutcome.Unverified => Problem(result, StatusCodes.Status403Forbidden, "The approval cannot be checked"),
        DecisionOutcome.NotApprover => Problem(result, StatusCodes.Status403Forbidden, "You are not an approver of this host"),
        DecisionOutcome.AlreadyDecided => Problem(result, StatusCodes.Status409Conflict, "You already decided"),
        DecisionOutcome.StepComplete => Problem(result, StatusCodes.Status409Conflict, "This step is already approved"),
        DecisionOutcome.NoCustomerStep => Problem(result, StatusCodes.Status409Conflict, "No customer approval is needed"),
        DecisionOutcome.Stale => Problem(result, StatusCodes.Status409Conflict, "The approval is no longer current"),
        DecisionOutcome.AwsUnavailable => Problem(result, StatusCodes.Status503ServiceUnavailable, "AWS is unavailable"),
        _ => Problem(result, StatusCodes.Status502BadGateway, "AWS refused the decision"),
    };

    private static ProblemHttpResult Problem(DecisionResult result, int status, string title) =>
        TypedResults.Problem(result.Message, statusCode: status, title: title);
}
