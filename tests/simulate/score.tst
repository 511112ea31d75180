# scripts/score.py: TE_counts.tsv and featureCounts tables against a truth table
P score-counts.expected python3 ../../scripts/score.py score-counts.tsv score-truth.tsv
P score-fc.expected python3 ../../scripts/score.py --name fc --no-header score-fc.txt score-truth.tsv
P . python3 ../../scripts/score.py --help | grep 'Spearman' > /dev/null
