import chisel3._
import chisel3.util._

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val detect = Output(Bool())
  })

  // States (reset state first): idle, s1 (seen "1"), s10 (seen "10"), s101 (seen "101")
  // Transitions on each rising edge:
  // idle: in=1 -> s1, in=0 -> idle
  // s1:   in=1 -> s1, in=0 -> s10
  // s10:  in=1 -> s101, in=0 -> idle
  // s101: in=1 -> s1 (pattern complete; its last 1 may start the next match), in=0 -> s10

  val idle = 0.U
  val s1 = 1.U
  val s10 = 2.U
  val s101 = 3.U

  val state = RegInit(idle)
  switch(state) {
    is(idle)  { when(io.in) { state := s1 } }
    is(s1)   { when(io.in) { state := s1 } }
    is(s10)  { when(io.in) { state := s10 } }
    is(s101) { when(io.in) { state := s101 } }
  }

  io.detect := state === s101 && io.in
}
