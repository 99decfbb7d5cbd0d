// Every class here starts silos (and real PostgreSQL databases): one class at a time on 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
