import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
  })
  val data = RegInit(0.U(1.W))
  for (i <- 0 until 8) {
    val nextData = Cat(data, io.in)
    data := nextData
  }
  io.out := data(0)
}
