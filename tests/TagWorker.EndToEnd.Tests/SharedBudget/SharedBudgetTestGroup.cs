namespace TagWorker.EndToEnd.Tests.SharedBudget;

/// <summary>
/// Runs the shared-budget tests alone, after the others: they check that three workers never put more than 100 calls
/// into one of the API's one-second windows, which the CPU taken by tests running beside them (delaying calls between
/// taking a slot and reaching the API) would test instead of the budget.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class SharedBudgetTestGroup;
