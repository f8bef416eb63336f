import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val y = Input(UInt(6.W))
    val w = Input(UInt(1.W))
    val Y1 = Output(Bool())
    val Y3 = Output(Bool())
  })
  val state = RegInit(0.U(6.W))
  val flipFlopY1 = RegInit(false.B)
  val flipFlopY3 = RegInit(false.B)
  when(state === 0.U) {
    flipFlopY1 := io.y(1)
    flipFlopY3 := io.y(3)
  } .elsewhen(state === 1.U) {
    flipFlopY1 := io.y(0)
    flipFlopY3 := io.y(2)
  } .elsewhen(state === 2.U) {
    flipFlopY1 := io.y(1)
    flipFlopY3 := io.y(3)
  } .elsewhen(state === 3.U) {
    flipFlopY1 := io.y(0)
    flipFlopY3 := io.y(2)
  } .elsewhen(state === 4.U) {
    flipFlopY1 := io.y(1)
    flipFlopY3 := io.y(3)
  } .elsewhen(state === 5.U) {
    flipFlopY1 := io.y(0)
    flipFlopY3 := io.y(2)
  }
  io.Y1 := flipFlopY1
  io.Y3 := flipFlopY3
}
