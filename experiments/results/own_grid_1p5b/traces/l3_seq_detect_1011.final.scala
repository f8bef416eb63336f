import chisel3._
import chisel3.util._
import chisel3.util.Enum
import chisel3.util.switch
import chisel3.util.is
import chisel3.stage

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val detect = Output(Bool())
  })

  val states = ChiselEnum(3) {
    val idle = 0.B
    val s1 = 1.B
    val s10 = 2.B
    val s101 = 3.B
  }

  val state = RegInit(states.idle)
  val prev = RegNext(io.in, false.B)
  val detectReg = RegInit(false.B)
  val matchFound = RegInit(false.B)

  switch(state) {
    is(states.idle) {
      when(io.in && !prev) { state := states.s1 }
      when(io.in && prev) { state := states.idle }
    }
    is(states.s1) {
      when(io.in && !prev) { state := states.s1 }
      when(io.in && prev) { state := states.s10 }
    }
    is(states.s10) {
      when(io.in && !prev) { state := states.s101 }
      when(io.in && prev) { state := states.idle }
    }
    is(states.s101) {
      when(io.in && !prev) { state := states.s1 }
      when(io.in && prev) { matchFound := true.B }
    }
  }

  io.detect := detectReg || matchFound
}
