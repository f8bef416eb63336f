import chisel3._
import chisel3.util._
import chisel3.util.Enum

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val detect = Output(Bool())
  })
  val state = RegInit(SeqDetect1011.State.idle)
  val prev  = RegNext(io.in, false.B)

  class State extends ChiselEnum {
    val idle = Value(0.U)
    val s1   = Value(1.U)
    val s10  = Value(2.U)
    val s101 = Value(3.U)
  }

  when(io.in && !prev) { state := state.asUInt + 1.U }
  when(prev && io.in) { state := state.asUInt + 1.U }

  switch(state) {
    is(SeqDetect1011.State.idle) {
      when(io.in && !prev) { io.detect := false.B }
      when(io.in && prev) { io.detect := false.B }
    }
    is(SeqDetect1011.State.s1) {
      when(io.in && !prev) { io.detect := false.B }
      when(io.in && prev) { io.detect := true.B }
    }
    is(SeqDetect1011.State.s10) {
      when(io.in && !prev) { io.detect := false.B }
      when(io.in && prev) { io.detect := false.B }
    }
    is(SeqDetect1011.State.s101) {
      when(io.in && !prev) { io.detect := true.B }
      when(io.in && prev) { io.detect := false.B }
    }
  }

  io.detect := io.detect.asBool
}

