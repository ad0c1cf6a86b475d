# The mean temperature of each site as a text bar chart; the plot task runs
# gnuplot -e "stats='bld/stats.csv'; out='bld/plot.txt'" plot.gp
set terminal dumb size 72,24
set output out
set datafile separator ","
set title "Mean temperature by site (deg C)"
set style fill solid
set boxwidth 0.6
set yrange [0:*]
unset key
plot stats using 0:3:xtic(1) every ::1 with boxes
