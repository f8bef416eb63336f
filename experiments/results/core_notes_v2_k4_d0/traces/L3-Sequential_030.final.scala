import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in  = Input(Bool())
    val out = Output(Bool())
  })
  val r = RegInit(0.U(1.W))

  when(io.in) {
    r := r ^ 1.U
  }

  io.out := r
}
