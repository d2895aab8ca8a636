namespace Portal.Data.Views;

/// <summary>One page of a list and the number of items in all pages.</summary>
public sealed record ResultPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);
