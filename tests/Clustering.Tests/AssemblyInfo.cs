// The clustering tests start whole clusters (several pools each) against one PostgreSQL server: one class at a time
// keeps them within its connection limit and off each other's CPU.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
