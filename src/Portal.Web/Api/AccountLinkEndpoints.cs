using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Releases.Approvals;
using Portal.Web.Auth;
using Portal.Web.Mail;

namespace Portal.Web.Api;

/// <summary>/api/v1/me/gitlab-identity and /api/v1/me/mail-preferences: the signed-in user's verified GitLab link and mail choice.</summary>
public static class AccountLinkEndpoints
{
    public static RouteGroupBuilder MapAccountLinkEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me/gitlab-identity", async Task<Results<Ok<GitLabIdentityView>, NotFound>> (HttpContext http, GitLabAccountLink links) =>
                await links.OfAsync(http.User.UserId(), http.RequestAborted) is { } identity ? TypedResults.Ok(identity) : TypedResults.NotFound())
            .WithName("GetGitLabIdentity").WithSummary("The GitLab user linked to the signed-in user (verified through GitLab), if any.");

        api.MapPost("/me/gitlab-identity", async Task<Results<Ok<GitLabIdentityView>, ProblemHttpResult>> (GitLabLinkRequest body, HttpContext http,
                GitLabAccountLink links) =>
            {
                var result = await links.LinkAsync(http.User.ToActor(http), body.Token, http.RequestAborted);
                if (result.Linked) return TypedResults.Ok((await links.OfAsync(http.User.UserId(), http.RequestAborted))!);
                return TypedResults.Problem(result.Message, statusCode: result.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest,
                    title: "The GitLab account was not linked");
            })
            .WithName("LinkGitLabIdentity")
            .WithSummary("Links the signed-in user to the GitLab user a personal access token belongs to (GitLab is asked; the token is not kept).");

        api.MapGet("/me/mail-preferences", async (HttpContext http, MailPreferences preferences) =>
                TypedResults.Ok(new MailPreferencesBody(await preferences.WantsNonEssentialAsync(http.User.UserId(), http.RequestAborted))))
            .WithName("GetMailPreferences").WithSummary("Whether the signed-in user receives non-essential mail (approval outcomes).");

        api.MapPut("/me/mail-preferences", async (MailPreferencesBody body, HttpContext http, MailPreferences preferences) =>
            {
                await preferences.SetNonEssentialAsync(http.User.ToActor(http), body.ApprovalNotices, http.RequestAborted);
                return TypedResults.Ok(body);
            })
            .WithName("SetMailPreferences").WithSummary("Turns non-essential mail on or off; mail that needs action is always sent.");
        return api;
    }
}

/// <param name="Token">A GitLab personal access token of the user (read_user is enough), used once.</param>
public sealed record GitLabLinkRequest(string? Token);

public sealed record MailPreferencesBody(bool ApprovalNotices);
