import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val s     = Input(Bool())
    val w     = Input(Bool())
    val z     = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // resetn is the implicit reset: the harness inverts it
  val sReg = RegInit(0.U(1.W)) // register for s input
  val wReg = RegInit(0.U(1.W)) // register for w input
  val zReg = RegInit(0.U(1.W)) // register for z output
  when(sReg === 0.U) {
    when(wReg === 1.U) {
      zReg := zReg ^ 1.U
    }
  }
  when(sReg === 1.U) {
    when(wReg === 1.U) {
      zReg := zReg ^ 1.U
    }
  }
  state := state ^ sReg ^ wReg
  io.z := zReg
}
