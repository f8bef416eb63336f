import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool())
    val out = Output(Bool())
  })

  val r = RegInit(0.U(8.W))

  when(io.in) {
    r := Cat(r(7, 0), io.in)
  }

  io.out := r
}
