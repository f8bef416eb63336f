import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val vec  = Input(UInt(3.W))
    val outv = Output(UInt(3.W))
    val o2 = Output(Bool())
    val o1 = Output(Bool())
    val o0 = Output(Bool())
  })
  val outv = io.vec
  val o2 = io.vec(2)
  val o1 = io.vec(1)
  val o0 = io.vec(0)
  io.outv := outv
  io.o2 := o2
  io.o1 := o1
  io.o0 := o0
}
