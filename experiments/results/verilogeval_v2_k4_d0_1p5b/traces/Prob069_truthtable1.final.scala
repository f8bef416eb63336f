import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val x3 = Input(UInt(1.W))
    val x2 = Input(UInt(1.W))
    val x1 = Input(UInt(1.W))
    val f  = Output(UInt(1.W))
  })
  val f = MuxLookup(
    Seq(
      (0.U, 0.U),
      (0.U, 0.U),
      (0.U, 1.U),
      (0.U, 1.U),
      (1.U, 0.U),
      (1.U, 1.U),
      (1.U, 0.U),
      (1.U, 1.U)
    ),
    io.x3, io.x2, io.x1
  )
  io.f := f
}
