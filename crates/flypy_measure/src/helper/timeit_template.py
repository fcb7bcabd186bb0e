import sys, timeit
print(timeit.template.format(stmt=timeit.reindent(sys.argv[1], 8), setup=timeit.reindent(sys.argv[2], 4), init=''))
