/* Thread placement for the recorder's relay readers (not importable from
 * Swift's Glibc module, which hides the GNU CPU-set API). */
#ifndef CTHREADAFFINITY_H
#define CTHREADAFFINITY_H

/* Restrict the calling thread to one CPU; 0 on success, an errno value
 * otherwise. */
int camflow_pin_current_thread(int cpu);

#endif
